package io.radflow.worker.runtime.http;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.runtime.Deadline;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelRuntime;
import io.radflow.worker.runtime.ModelSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * External models behind HTTP, V7 style (see {@link V7Contract}). One HTTP client for all of
 * them, so connections to a model are pooled and kept alive; at most
 * {@code worker.http.max.concurrency} requests in flight. Loading a version reads the model's
 * classes ({@code GET /api/classes}) and maps the version's label classes onto them.
 */
public final class HttpModelRuntime implements ModelRuntime {

    private static final Logger log = LoggerFactory.getLogger(HttpModelRuntime.class);

    private final HttpModelConfig.Settings settings;
    private final DicomImages dicom;
    private final HttpClient client;
    private final HttpCaller caller;
    private final ExecutorService pool;

    public HttpModelRuntime(HttpModelConfig.Settings settings, DicomImages dicom) {
        this.settings = settings;
        this.dicom = dicom;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.maxConcurrency(), r -> {
            Thread t = new Thread(r, "http-model-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // The client keeps its own executor: the pool's threads block in send() waiting for it.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.caller = new HttpCaller(client, settings.retries(), settings.retryBackoff());
    }

    @Override
    public RuntimeKind kind() {
        return RuntimeKind.HTTP;
    }

    @Override
    public LoadedModel load(ModelSpec spec) {
        HttpEndpoint endpoint = spec.httpEndpoint();
        if (endpoint == null || endpoint.getUrl() == null || endpoint.getUrl().isBlank()) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "HTTP version " + spec.key() + " has no httpEndpoint url");
        }
        String url = endpoint.getUrl().replaceAll("/+$", "");
        try {
            URI u = URI.create(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("not http(s)");
            }
        } catch (IllegalArgumentException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "HTTP version " + spec.key() + " has an invalid url " + url
                    + " (" + e.getMessage() + ")", e);
        }
        String authorization = secret(endpoint.getAuthHeader(), spec);
        Duration timeout = Duration.ofMillis(endpoint.getTimeoutMs() > 0 ? endpoint.getTimeoutMs() : 30_000);
        String classes = caller.send(() -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/api/classes")).header("Accept", "application/json").GET();
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            return b;
        }, "GET " + url + "/api/classes", timeout, Deadline.after(timeout.multipliedBy(settings.retries() + 1L)));
        V7Contract contract = V7Contract.of(classes, spec.labelClasses(), url);
        log.info("HTTP model loaded model={} version={} url={} labels={}", spec.key().modelId(), spec.key().version(), url,
                spec.labelClasses().size());
        return new HttpModel(spec, url, authorization, contract, caller, pool, dicom);
    }

    /** The Authorization value a version names by its secret's name, read from worker.http.secrets.dir. */
    private String secret(String name, ModelSpec spec) {
        if (name == null || name.isBlank()) {
            return null;
        }
        if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "HTTP version " + spec.key() + " names secret '" + name
                    + "'; secret names are letters, digits, '.', '_' and '-'");
        }
        Path dir = settings.secretsDir();
        if (dir == null) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "HTTP version " + spec.key() + " needs secret '" + name
                    + "' but worker.http.secrets.dir is not set");
        }
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "HTTP version " + spec.key() + " needs secret '" + name
                    + "', which cannot be read from " + dir + ": " + e, e);
        }
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
