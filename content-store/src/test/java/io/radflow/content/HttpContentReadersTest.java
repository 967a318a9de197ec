package io.radflow.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.radflow.common.config.ConfigException;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP readers against a small local server that misbehaves on purpose (stalls, 404, 401,
 * broken multipart), built by the same factory the worker uses. The real servers (Orthanc's REST
 * API and its DICOMweb plugin) are exercised by the ingestion module's integration tests.
 */
class HttpContentReadersTest {

    private static final String ORTHANC_ID = "f689ddd2-662f8fe1-8b18180d-ec2a2cee-937917af";
    private static final byte[] DICOM = "pretend-dicom-bytes".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile String lastAuthorization;
    private volatile String lastAccept;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/orthanc/instances/" + ORTHANC_ID + "/file", ex -> reply(ex, 200, "application/dicom", DICOM));
        server.createContext("/dicom-web/studies/1/series/2/instances/3", ex -> {
            String boundary = "b0und4ry";
            byte[] body = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n" + new String(DICOM, StandardCharsets.ISO_8859_1)
                    + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
            reply(ex, 200, "multipart/related; type=\"application/dicom\"; boundary=\"" + boundary + "\"", body);
        });
        server.createContext("/dicom-web/studies/1/series/2/instances/broken", ex ->
                reply(ex, 200, "multipart/related; boundary=xyz", "--xyz\r\nContent-Type: application/dicom\r\n\r\nno end".getBytes()));
        server.createContext("/dicom-web/studies/1/series/2/instances/missing", ex -> reply(ex, 404, "text/plain", new byte[0]));
        server.createContext("/dicom-web/studies/1/series/2/instances/secret", ex -> reply(ex, 401, "text/plain", new byte[0]));
        server.createContext("/dicom-web/studies/1/series/2/instances/slow-headers", ex -> {
            await();
            reply(ex, 200, "application/dicom", DICOM);
        });
        server.createContext("/dicom-web/studies/1/series/2/instances/stalled-body", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/dicom");
            ex.sendResponseHeaders(200, 1000);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(DICOM);
                out.flush();
                await();
            } catch (IOException ignored) {
                // the client gave up, as it should
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void await() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
        lastAccept = ex.getRequestHeaders().getFirst("Accept");
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private ContentReaders readers(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(extra);
        values.put(StorageConfig.CONTENT_STORE_DIR.name(), dir.resolve("content").toString());
        return ContentReaderFactory.create(RadflowConfig.load(ContentReaderFactory.DEFINITION, ConfigSource.of("test", values)));
    }

    private ContentReaders both() {
        return readers(Map.of("orthanc.url", base() + "/orthanc", "orthanc.basic.auth", "alice:secret",
                "dicomweb.url", base() + "/dicom-web", "content.http.timeout", "1s"));
    }

    @Test
    void shouldFetchOrthancInstancesWithBasicAuth() {
        URI uri = OrthancContentReader.uriOf(ORTHANC_ID);
        assertThat(uri.toString()).isEqualTo("orthanc:instances/" + ORTHANC_ID);
        assertThat(both().read(uri, 1000)).isEqualTo(DICOM);
        assertThat(lastAuthorization).isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes()));
    }

    @Test
    void shouldExtractTheInstanceFromAWadoRsMultipartResponse() {
        URI uri = DicomWebContentReader.instanceUri(URI.create(base() + "/dicom-web"), "1", "2", "3");
        assertThat(both().read(uri, 1000)).isEqualTo(DICOM);
        assertThat(lastAccept).isEqualTo(DicomWebContentReader.ACCEPT);
        assertThat(lastAuthorization).as("no credentials configured for DICOMweb").isNull();
    }

    @Test
    void shouldMapHttpFailuresToReasons() {
        ContentReaders readers = both();
        String instances = base() + "/dicom-web/studies/1/series/2/instances/";
        assertThatThrownBy(() -> readers.read(URI.create(instances + "missing"), 1000)).isInstanceOf(ContentException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_NOT_FOUND).hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> readers.read(URI.create(instances + "secret"), 1000))
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_FETCH_FAILED).hasMessageContaining("check dicomweb.basic.auth");
        assertThatThrownBy(() -> readers.read(URI.create(instances + "broken"), 1000))
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_FETCH_FAILED).hasMessageContaining("not terminated");
        assertThatThrownBy(() -> readers.read(URI.create(instances + "3"), 5))
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_FETCH_FAILED).hasMessageContaining("larger than the limit");
        assertThatThrownBy(() -> readers.read(OrthancContentReader.uriOf("00000000-00000000-00000000-00000000-00000000"), 1000))
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_NOT_FOUND);
    }

    @Test
    void shouldTimeOutRetriablyOnSlowHeadersAndStalledBodies() {
        ContentReaders readers = both();
        String instances = base() + "/dicom-web/studies/1/series/2/instances/";
        for (String path : new String[] {"slow-headers", "stalled-body"}) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> readers.read(URI.create(instances + path), 10_000)).isInstanceOf(ContentException.class)
                    .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_FETCH_TIMEOUT)
                    .hasMessageContaining("content.http.timeout")
                    .satisfies(e -> assertThat(((ContentException) e).retriable()).isTrue());
            assertThat(System.nanoTime() - t0).as(path + " gave up near the deadline, not at the server's whim")
                    .isLessThan(TimeUnit.SECONDS.toNanos(20));
        }
    }

    @Test
    void shouldFailRetriablyWhenTheServerIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ContentReaders readers = readers(Map.of("orthanc.url", "http://127.0.0.1:" + closedPort));
        assertThatThrownBy(() -> readers.read(OrthancContentReader.uriOf(ORTHANC_ID), 1000)).isInstanceOf(ContentException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_FETCH_FAILED).hasMessageContaining("cannot fetch");
    }

    @Test
    void shouldRefuseUrisOutsideTheConfiguredServersAndBadOrthancIds() {
        ContentReaders readers = both();
        assertThatThrownBy(() -> readers.read(URI.create("http://169.254.169.254/latest/meta-data"), 1000))
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_NOT_FOUND).hasMessageContaining("no content reader");
        assertThatThrownBy(() -> readers.read(URI.create(base() + "/dicom-web/../orthanc/x"), 1000))
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_NOT_FOUND).hasMessageContaining("no content reader");
        assertThatThrownBy(() -> readers.read(URI.create("orthanc:instances/../../etc/passwd"), 1000))
                .hasFieldOrPropertyWithValue("reason", Reason.CONTENT_NOT_FOUND).hasMessageContaining("not an Orthanc instance id");
        assertThat(readers(Map.of()).supports(URI.create("orthanc:instances/" + ORTHANC_ID))).as("no orthanc.url: no reader").isFalse();
    }

    @Test
    void shouldRejectBadRemoteContentConfig() {
        assertThatThrownBy(() -> readers(Map.of("orthanc.url", "ftp://x", "orthanc.basic.auth", "nopassword",
                "content.http.timeout", "0s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("orthanc.url").hasMessageContaining("orthanc.basic.auth").hasMessageContaining("content.http.timeout");
    }
}
