package io.radflow.worker.runtime.http;

import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test's V7-style model server ({@code src/test/resources/http/v7_model.py}, PIL and numpy)
 * in a real Python process on a free port. {@link #url(String)} is a model's URL in one of its
 * behaviour modes.
 */
public final class V7Server implements AutoCloseable {

    private final Process process;
    private final int port;

    private V7Server(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static V7Server start(Path dir) throws IOException, InterruptedException {
        Path script;
        try {
            script = Path.of(V7Server.class.getResource("/http/v7_model.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path portFile = dir.resolve("v7-port-" + System.nanoTime());
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), portFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("v7-server.log").toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(portFile)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the V7 test server exited: " + Files.readString(dir.resolve("v7-server.log")));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the V7 test server did not start within 60 s");
            }
            Thread.sleep(20);
        }
        return new V7Server(p, Integer.parseInt(Files.readString(portFile).trim()));
    }

    public String url(String mode) {
        return "http://127.0.0.1:" + port + "/" + mode;
    }

    /** How many infer requests {@code mode} received. */
    public int inferCount(String mode) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(new URI(url(mode) + "/count")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Integer.parseInt(r.body().replaceAll("[^0-9]", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Labels mapping the server's classes bright (tag), region (box), outline (polygon), peak (keypoint); not unused. */
    public static List<LabelClass> labels() {
        return List.of(
                LabelClass.newBuilder().setClassIndex(0).setLabelId("L_bright").setName("bright").setType(LabelType.GLOBAL)
                        .setScope(Scope.INSTANCE).build(),
                LabelClass.newBuilder().setClassIndex(1).setLabelId("L_region").setName("region").setType(LabelType.LOCAL)
                        .setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.BBOX).build(),
                LabelClass.newBuilder().setClassIndex(2).setLabelId("L_outline").setName("outline").setType(LabelType.LOCAL)
                        .setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.POLYGON).build(),
                LabelClass.newBuilder().setClassIndex(3).setLabelId("peak").setName("Peak").setType(LabelType.LOCAL)
                        .setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.LOCATION).build());
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
