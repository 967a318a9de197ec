package io.radflow.registry.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryMetrics;
import io.radflow.registry.artifacts.ArtifactUploads;
import io.radflow.registry.auth.ApiKeyService;
import io.radflow.registry.clone.CloneCodeService;
import io.radflow.registry.commands.Enums;
import io.radflow.registry.commands.ModelService;
import io.radflow.registry.commands.ProjectService;
import io.radflow.registry.export.ModelExporter;
import io.radflow.registry.predict.PredictService;
import io.radflow.registry.runs.RunService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's HTTP server (Javalin): the API routes, {@code /openapi.json}, {@code /metrics}
 * and {@code /health}, JSON errors for every failure ({@code {"error": {"status", "code",
 * "message"}}}), and a request timer per route template.
 */
public final class RegistryHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryHttpServer.class);

    /** Room for the multipart framing and the metadata part on top of the artifact itself. */
    static final long MULTIPART_OVERHEAD = 1 << 20;
    /** JSON request bodies (everything but artifact uploads). */
    static final long MAX_JSON_BYTES = 1 << 20;

    private static final String ERROR_WRITTEN = "radflow.error.written";

    private final Javalin app;

    /** Everything the routes need, built by the service. */
    public record Dependencies(ObjectMapper json, RegistryMetrics metrics, PrometheusMeterRegistry prometheus,
                               BooleanSupplier healthy, ModelService models, ProjectService projects, ApiKeyService keys,
                               CloneCodeService cloneCodes, ArtifactUploads artifacts, ModelExporter exporter, RunService runs, Path scratch,
                               PredictService predict, int predictMaxFiles, long predictMaxBytes) {
    }

    private RegistryHttpServer(Javalin app) {
        this.app = app;
    }

    public static RegistryHttpServer start(String host, int port, Dependencies routes) {
        HttpSupport support = new HttpSupport(routes.keys()::authenticate);
        ModelRoutes modelRoutes = new ModelRoutes(support, routes.json(), routes.models(), routes.artifacts(), routes.exporter(),
                routes.cloneCodes(), routes.runs());
        ProjectRoutes projectRoutes = new ProjectRoutes(support, routes.json(), routes.projects(), routes.keys());
        RunRoutes runRoutes = new RunRoutes(support, routes.json(), routes.runs());
        PredictRoutes predictRoutes = new PredictRoutes(support, routes.json(), routes.predict(), routes.predictMaxFiles(),
                routes.predictMaxBytes());
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jsonMapper(new JavalinJackson(routes.json(), false));
            config.http.maxRequestSize = MAX_JSON_BYTES;
            config.jetty.multipartConfig.cacheDirectory(routes.scratch().toString());
            config.jetty.multipartConfig.maxFileSize(routes.artifacts().maxBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(1 << 20, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(routes.artifacts().maxBytes() + MULTIPART_OVERHEAD, SizeUnit.BYTES);
            config.requestLogger.http((ctx, ms) -> routes.metrics().httpRequest(ctx.method().name(), routeOf(ctx),
                    ctx.statusCode(), Duration.ofNanos((long) (ms * 1_000_000))));

            config.routes.exception(RadflowException.class, (e, ctx) -> error(ctx, statusOf(e.reason()), Enums.text(e.reason()), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                switch (e.getStatus()) {
                    case 404 -> error(ctx, 404, "not-found", "no route " + ctx.method().name() + " " + ctx.path() + "; see /openapi.json");
                    case 405 -> error(ctx, 405, "method-not-allowed", ctx.method().name() + " is not allowed on " + ctx.path());
                    case 413 -> error(ctx, 413, Enums.text(Reason.PAYLOAD_TOO_LARGE), "the request body is too large: " + e.getMessage());
                    default -> error(ctx, e.getStatus(), "http-" + e.getStatus(), e.getMessage());
                }
            });
            config.routes.exception(IllegalStateException.class, (e, ctx) -> {
                // Jetty's multipart parser reports limits this way.
                if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("exceed")) {
                    error(ctx, 413, Enums.text(Reason.PAYLOAD_TOO_LARGE), "the upload is larger than the limit of "
                            + routes.artifacts().maxBytes() + " bytes (registry.upload.max.bytes)");
                } else {
                    internal(ctx, e);
                }
            });
            config.routes.exception(Exception.class, (e, ctx) -> internal(ctx, e));
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ERROR_WRITTEN) == null) {
                    error(ctx, 404, "not-found", "no route " + ctx.method().name() + " " + ctx.path() + "; see /openapi.json");
                }
            });
            config.routes.error(405, ctx -> {
                if (ctx.attribute(ERROR_WRITTEN) == null) {
                    error(ctx, 405, "method-not-allowed", ctx.method().name() + " is not allowed on " + ctx.path() + "; see /openapi.json");
                }
            });

            config.routes.get("/health", ctx -> {
                boolean ok = routes.healthy().getAsBoolean();
                ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "UP" : "DOWN"));
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(routes.prometheus().scrape()));
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(OpenApiDocument.json()));
            projectRoutes.addTo(config.routes);
            modelRoutes.addTo(config.routes);
            runRoutes.addTo(config.routes);
            predictRoutes.addTo(config.routes);
        });
        app.start();
        return new RegistryHttpServer(app);
    }

    /** The route template a request matched (low-cardinality metric tag), or "unmatched". */
    public static String routeOf(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    /** The HTTP status of a refusal, for every service that answers the registry's way. */
    public static int statusOf(Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST, INVALID_ARTIFACT, MALFORMED_EVENT, MISSING_FIELD -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND, UNKNOWN_MODEL, UNKNOWN_PROJECT -> 404;
            case ALREADY_EXISTS, CONCURRENT_MODIFICATION -> 409;
            case PRECONDITION_FAILED -> 412;
            case PAYLOAD_TOO_LARGE -> 413;
            default -> reason.retriable() ? 503 : 500;
        };
    }

    /** Writes the JSON error body ({@code {"error": {"status", "code", "message"}}}) every Radflow API answers with. */
    public static void error(Context ctx, int status, String code, String message) {
        ctx.attribute(ERROR_WRITTEN, true);
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"radflow-registry\"");
        }
        ctx.status(status).json(new Representations.ErrorJson(new Representations.ErrorBody(status, code, message)));
    }

    private static void internal(Context ctx, Exception e) {
        log.error("request failed method={} path={} error={}", ctx.method().name(), ctx.path(), e.toString(), e);
        error(ctx, 500, "internal", "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    public int port() {
        return app.port();
    }

    /** Every registered route as "METHOD /path", for the OpenAPI consistency test. */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(p -> p.endpoint.method.name() + " " + p.endpoint.path).toList();
    }

    @Override
    public void close() {
        app.stop();
    }
}
