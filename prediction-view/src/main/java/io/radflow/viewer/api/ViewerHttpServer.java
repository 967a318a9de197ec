package io.radflow.viewer.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseHandler;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.content.ContentReader;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.image.Window;
import io.radflow.registry.RegistryException;
import io.radflow.registry.api.HttpSupport;
import io.radflow.registry.api.OpenApiDocument;
import io.radflow.registry.api.RegistryHttpServer;
import io.radflow.registry.auth.ApiKeyAuthenticator;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.commands.Enums;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.viewer.ViewerMetrics;
import io.radflow.viewer.view.PredictionView;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer's HTTP server: the predictions API under {@code /api}, the live event stream, the
 * web page (static files of this module, nothing fetched elsewhere), {@code /openapi.json},
 * {@code /metrics} and {@code /health}. Errors are JSON in the registry's shape
 * ({@code {"error": {"status", "code", "message"}}}) with the registry's statuses.
 */
public final class ViewerHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ViewerHttpServer.class);
    private static final String OPENAPI = "/io/radflow/viewer/openapi.yaml";
    /** Set by {@link RegistryHttpServer#error}: the 404/405 handlers leave a written error alone. */
    private static final String ERROR_WRITTEN = "radflow.error.written";

    private final Javalin app;

    /** Everything the routes need, built by the service. */
    public record Dependencies(ObjectMapper json, ViewerMetrics metrics, PrometheusMeterRegistry prometheus, BooleanSupplier healthy,
                               PredictionView view, ApiKeyAuthenticator keys, EventHub events, ContentReader content,
                               PixelDecoder decoder, long maxInstanceBytes, int frameCacheSize) {
    }

    private ViewerHttpServer(Javalin app) {
        this.app = app;
    }

    public static ViewerHttpServer start(String host, int port, Dependencies d) {
        Access access = new Access(d.keys(), d.view().registry());
        Json json = new Json(d.json());
        FrameRenderer frames = new FrameRenderer(d.content(), d.decoder(), d.maxInstanceBytes(), d.frameCacheSize(), d.metrics());
        String openApi = OpenApiDocument.json(OPENAPI);
        d.metrics().sseClients(d.events()::size);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jsonMapper(new JavalinJackson(d.json(), false));
            config.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/io/radflow/viewer/web";
                s.location = Location.CLASSPATH;
            });
            config.requestLogger.http((ctx, ms) -> d.metrics().httpRequest(ctx.method().name(), RegistryHttpServer.routeOf(ctx), ctx.statusCode(),
                    Duration.ofNanos((long) (ms * 1_000_000))));

            config.routes.exception(RadflowException.class, (e, ctx) -> RegistryHttpServer.error(ctx, status(e.reason()), Enums.text(e.reason()), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> RegistryHttpServer.error(ctx, e.getStatus(),
                    e.getStatus() == 404 ? "not-found" : "http-" + e.getStatus(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("request failed method={} path={} error={}", ctx.method().name(), ctx.path(), e.toString(), e);
                RegistryHttpServer.error(ctx, 500, "internal", "internal error: " + e.getClass().getSimpleName());
            });
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ERROR_WRITTEN) == null) {
                    RegistryHttpServer.error(ctx, 404, "not-found", "no route " + ctx.method().name() + " " + ctx.path() + "; see /openapi.json");
                }
            });
            config.routes.error(405, ctx -> {
                if (ctx.attribute(ERROR_WRITTEN) == null) {
                    RegistryHttpServer.error(ctx, 405, "method-not-allowed", ctx.method().name() + " is not allowed on " + ctx.path());
                }
            });

            config.routes.get("/health", ctx -> {
                boolean ok = d.healthy().getAsBoolean();
                ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "UP" : "DOWN"));
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(d.prometheus().scrape()));
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));

            config.routes.get("/api/projects", ctx -> {
                Caller caller = access.caller(ctx);
                ArrayNode items = d.json().createArrayNode();
                d.view().registry().projects().stream().filter(p -> access.canRead(caller, p))
                        .sorted(Comparator.comparing(ProjectSettings::getProjectId))
                        .forEach(p -> items.addObject().put("id", p.getProjectId()).put("name", p.getName())
                                .put("visibility", Enums.text(p.getVisibility())));
                ctx.json(Map.of("items", items));
            });
            config.routes.get("/api/studies", ctx -> {
                String project = access.readableProject(ctx);
                int page = HttpSupport.intParam(ctx, "page", 1, 1, Integer.MAX_VALUE);
                int limit = HttpSupport.intParam(ctx, "limit", 20, 1, 200);
                List<PredictionView.Study> all = d.view().studies(project).stream()
                        .sorted(Comparator.comparing(PredictionView.Study::lastUpdate).reversed()
                                .thenComparing(PredictionView.Study::studyUid)).toList();
                ObjectNode out = d.json().createObjectNode();
                ArrayNode items = out.putArray("items");
                all.stream().skip((long) (page - 1) * limit).limit(limit).forEach(s -> items.add(json.summary(s)));
                out.put("page", page).put("limit", limit).put("total", all.size()).put("pages", (all.size() + limit - 1) / limit);
                ctx.json(out);
            });
            config.routes.get("/api/studies/{studyUid}", ctx -> {
                String project = access.readableProject(ctx);
                ctx.json(json.study(study(d.view(), project, ctx.pathParam("studyUid")), d.view()));
            });
            config.routes.get("/api/studies/{studyUid}/predictions", ctx -> {
                String project = access.readableProject(ctx);
                PredictionView.Study s = study(d.view(), project, ctx.pathParam("studyUid"));
                boolean history = Boolean.TRUE.equals(HttpSupport.boolParam(ctx, "history"));
                String model = ctx.queryParam("model");
                List<Prediction> selected = (history ? s.predictions() : s.current()).stream()
                        .filter(p -> model == null || model.isBlank() || matchesModel(d.view(), p, model)).toList();
                ctx.json(json.predictions(s, selected, history, d.view()));
            });
            config.routes.get("/api/studies/{studyUid}/instances/{sopUid}/frames/{frame}", ctx -> {
                String project = access.readableProject(ctx);
                PredictionView.Study s = study(d.view(), project, ctx.pathParam("studyUid"));
                String sopUid = ctx.pathParam("sopUid");
                DataUploaded instance = s.instance(sopUid).orElseThrow(() -> RegistryException.notFound(
                        "instance '" + sopUid + "' not found in study '" + s.studyUid() + "'"));
                int frame = frameNumber(ctx.pathParam("frame"), instance);
                Window window = window(ctx.queryParam("window"));
                if (Boolean.FALSE.equals(instance.getHasPixelData())) {
                    throw new RegistryException(Reason.UNREADABLE_DICOM, "instance '" + sopUid + "' has no pixel data (SOP class "
                            + instance.getSopClassUid() + ")");
                }
                byte[] png = frames.png(instance.getContent().getUri(), frame - 1, window);
                ctx.contentType("image/png").header("Cache-Control", "private, max-age=300").result(png);
            });
            config.routes.get("/api/events", ctx -> {
                String project = access.readableProject(ctx);
                String accept = ctx.header("Accept");
                if (accept == null || !accept.contains("text/event-stream")) {
                    // Javalin answers an empty 200 otherwise; say what an event stream needs instead.
                    RegistryHttpServer.error(ctx, 406, "not-acceptable", "/api/events is a Server-Sent Events stream: send 'Accept: text/event-stream'");
                    return;
                }
                ctx.header("X-Accel-Buffering", "no");
                new SseHandler(client -> d.events().subscribe(client, project)).handle(ctx);
            });
        });
        app.start();
        return new ViewerHttpServer(app);
    }

    private static PredictionView.Study study(PredictionView view, String project, String studyUid) {
        PredictionView.Study s = view.study(project, studyUid);
        if (s.isEmpty()) {
            throw RegistryException.notFound("study '" + studyUid + "' not found in project '" + project + "'");
        }
        return s;
    }

    private static boolean matchesModel(PredictionView view, Prediction p, String model) {
        return p.getModelId().equals(model) || view.model(p.getModelId()).map(ModelSettings::getName).filter(model::equals).isPresent();
    }

    /** One-based, as DICOMweb numbers frames: {@code frames/1.png} is the first. */
    private static int frameNumber(String text, DataUploaded instance) {
        if (!text.endsWith(".png")) {
            throw RegistryException.notFound("frames are served as PNG: ask for frames/{n}.png, not '" + text + "'");
        }
        String n = text.substring(0, text.length() - 4);
        int frame;
        try {
            frame = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw RegistryException.invalid("frame number must be a positive integer (1 is the first frame), not '" + n + "'");
        }
        if (frame < 1 || frame > instance.getNumberOfFrames()) {
            throw RegistryException.notFound("frame " + frame + " not found: instance '" + instance.getSopInstanceUid() + "' has "
                    + instance.getNumberOfFrames() + " frame(s), numbered from 1");
        }
        return frame;
    }

    private static Window window(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Window.parse(text);
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalid("query parameter window: " + e.getMessage());
        }
    }

    /** The registry's statuses, plus what fetching and decoding a frame can run into. */
    static int status(Reason reason) {
        return switch (reason) {
            case CONTENT_NOT_FOUND -> 404;
            case UNREADABLE_DICOM, UNSUPPORTED_TRANSFER_SYNTAX, CONTENT_CORRUPT -> 422;
            case CONTENT_FETCH_FAILED, CONTENT_FETCH_TIMEOUT -> 502;
            default -> RegistryHttpServer.statusOf(reason);
        };
    }

    public int port() {
        return app.port();
    }

    /** Every registered route as "METHOD /path", for the OpenAPI consistency test. */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(p -> p.endpoint.method.name() + " " + p.endpoint.path).toList();
    }

    @Override
    public void close() {
        app.stop();
    }
}
