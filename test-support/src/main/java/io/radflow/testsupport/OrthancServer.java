package io.radflow.testsupport;

import io.radflow.dicom.DicomReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Orthanc (Debian's {@code /usr/sbin/Orthanc}) for tests: its own JSON config, storage and
 * index directories, free loopback ports, authentication on, a short StableAge and the DICOMweb
 * plugin when installed. {@link #restart()} keeps its data and ports, as a restarted server would.
 */
public final class OrthancServer implements AutoCloseable {

    public static final String USER = "radflow";
    public static final String PASSWORD = "s3cret";
    private static final Path BINARY = Path.of("/usr/sbin/Orthanc");
    private static final Path DICOMWEB_PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");

    private final Path dir;
    private final int httpPort;
    private final int dicomPort;
    private Process process;

    private OrthancServer(Path dir, int httpPort, int dicomPort) {
        this.dir = dir;
        this.httpPort = httpPort;
        this.dicomPort = dicomPort;
    }

    /** Starts Orthanc on free ports and waits until its REST API answers. */
    public static OrthancServer start(int stableAgeSeconds) throws IOException {
        return start(stableAgeSeconds, freePort());
    }

    /** Starts Orthanc on a given HTTP port (for tests where a bridge was pointed at it before it existed). */
    public static OrthancServer start(int stableAgeSeconds, int httpPort) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install the Debian package orthanc (see .ci/run)");
        }
        Path dir = Files.createTempDirectory("radflow-orthanc-");
        OrthancServer server = new OrthancServer(dir, httpPort, freePort());
        String plugins = Files.exists(DICOMWEB_PLUGIN) ? "\"" + DICOMWEB_PLUGIN + "\"" : "";
        Files.writeString(dir.resolve("orthanc.json"), """
                {
                  "Name": "radflow-test",
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "HttpPort": %d,
                  "DicomPort": %d,
                  "HttpBindAddress": "127.0.0.1",
                  "DicomBindAddress": "127.0.0.1",
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": true,
                  "RegisteredUsers": { "%s": "%s" },
                  "DicomAet": "ORTHANC",
                  "StableAge": %d,
                  "ConcurrentJobs": 1,
                  "Plugins": [ %s ],
                  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
                }
                """.formatted(dir.resolve("storage"), dir.resolve("index"), httpPort, server.dicomPort, USER, PASSWORD,
                stableAgeSeconds, plugins));
        server.launch();
        return server;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public int httpPort() {
        return httpPort;
    }

    /** The DICOM (C-STORE) port; the AE title is ORTHANC. */
    public int dicomPort() {
        return dicomPort;
    }

    public static String basicAuth() {
        return USER + ":" + PASSWORD;
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(BINARY.toString(), dir.resolve("orthanc.json").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Orthanc exited with " + process.exitValue() + ": " + log());
            }
            try {
                if (get("/system").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(100);
        }
        throw new IllegalStateException("Orthanc did not answer within 60 s: " + log());
    }

    /** Stops Orthanc (SIGTERM, as an operator would) and starts it again on the same ports and data. */
    public void restart() throws IOException {
        stop();
        launch();
    }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stores one file through the REST API ({@code POST /instances}); returns Orthanc's answer. */
    public String upload(Path file) throws IOException {
        HttpRequest request = request("/instances").POST(HttpRequest.BodyPublishers.ofFile(file)).build();
        HttpResponse<String> r = send(request);
        if (r.statusCode() != 200) {
            throw new IOException("POST /instances of " + file + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * Sends files by DICOM C-STORE with dcmtk's storescu, each in the transfer syntax it is stored in,
     * as a PACS forwards them: storescu proposes one compressed syntax per association, so files
     * go in one association per syntax (native ones together).
     */
    public void storescu(List<Path> files) throws IOException, InterruptedException {
        Map<String, List<Path>> bySyntax = new TreeMap<>();
        for (Path f : files) {
            bySyntax.computeIfAbsent(proposal(DicomReader.headerOnly().read(f).transferSyntax().uid()), k -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<String, List<Path>> group : bySyntax.entrySet()) {
            List<String> cmd = new ArrayList<>(List.of("storescu", group.getKey()));
            cmd.addAll(List.of("-aec", "ORTHANC", "127.0.0.1", Integer.toString(dicomPort)));
            group.getValue().forEach(f -> cmd.add(f.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("storescu failed: " + output);
            }
        }
    }

    /** storescu's option proposing a transfer syntax (with the uncompressed ones). */
    private static String proposal(String transferSyntax) {
        return switch (transferSyntax) {
            // exactly the files' SOP classes (storescu's default list lacks SEG and others)
            case "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2" -> "--required";
            case "1.2.840.10008.1.2.1.99" -> "--propose-deflated";
            case "1.2.840.10008.1.2.5" -> "--propose-rle";
            case "1.2.840.10008.1.2.4.50" -> "--propose-jpeg8";
            case "1.2.840.10008.1.2.4.51" -> "--propose-jpeg12";
            case "1.2.840.10008.1.2.4.70" -> "--propose-lossless";
            case "1.2.840.10008.1.2.4.80" -> "--propose-jls-lossless";
            case "1.2.840.10008.1.2.4.81" -> "--propose-jls-lossy";
            case "1.2.840.10008.1.2.4.90" -> "--propose-j2k-lossless";
            case "1.2.840.10008.1.2.4.91" -> "--propose-j2k-lossy";
            case "1.2.840.10008.1.2.4.102" -> "--propose-mpeg4";
            default -> throw new IllegalArgumentException("no storescu option proposes transfer syntax " + transferSyntax);
        };
    }

    public HttpResponse<String> get(String path) throws IOException {
        return send(request(path).GET().build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(basicAuth().getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("orthanc.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
