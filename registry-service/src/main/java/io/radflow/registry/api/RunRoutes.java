package io.radflow.registry.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.radflow.registry.RegistryException;
import io.radflow.registry.runs.RunService;
import io.radflow.schemas.avro.ModelRun;
import io.radflow.schemas.avro.RunSelection;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs: a model over data its project already holds. {@code POST /ml-models/{name}/runs} answers
 * 202 with the run's id and its job count (the jobs are on their way); {@code GET /runs/{id}} and
 * {@code GET /ml-models/{name}/runs} show progress.
 */
final class RunRoutes {

    static final Set<String> FIELDS = Set.of("dataset", "studies", "series", "modalities", "uploadedFrom", "uploadedTo", "version");

    private final HttpSupport http;
    private final ObjectMapper json;
    private final RunService runs;

    RunRoutes(HttpSupport http, ObjectMapper json, RunService runs) {
        this.http = http;
        this.json = json;
        this.runs = runs;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/ml-models/{name}/runs", this::create);
        routes.get("/ml-models/{name}/runs", ctx -> ctx.json(Map.of("runs",
                runs.list(http.caller(ctx), ctx.pathParam("name"), ctx.queryParam("project")))));
        routes.get("/runs/{id}", ctx -> ctx.json(runs.get(http.caller(ctx), ctx.pathParam("id"))));
    }

    private void create(Context ctx) {
        JsonBody body = JsonBody.parse(json, ctx.body().isBlank() ? "{}" : ctx.body()).allow(FIELDS);
        RunSelection selection = RunSelection.newBuilder().setDataset(body.string("dataset")).setStudies(list(body.strings("studies")))
                .setSeries(list(body.strings("series"))).setModalities(list(body.strings("modalities")))
                .setUploadedFrom(time(body, "uploadedFrom")).setUploadedTo(time(body, "uploadedTo")).build();
        if (selection.getUploadedFrom() != null && selection.getUploadedTo() != null
                && !selection.getUploadedFrom().isBefore(selection.getUploadedTo())) {
            throw RegistryException.invalid("uploadedFrom must be before uploadedTo");
        }
        ModelRun run = runs.create(http.caller(ctx), ctx.pathParam("name"), ctx.queryParam("project"), selection, body.integer("version"),
                false);
        ctx.status(202).header("Location", "/runs/" + run.getRunId())
                .json(Map.of("runId", run.getRunId(), "jobs", run.getExpectedJobs(), "instances", run.getInstances(),
                        "leftOut", run.getLeftOut(), "version", run.getModelVersion(), "scope", run.getScope().name()));
    }

    /**
     * The backfill a PUT asks for, or null: the project's data uploaded in {@code [backfillFrom,
     * backfillTo)}, and never after {@code switchedOn} (from then on auto-run takes the uploads).
     */
    static RunSelection backfill(JsonBody body, Instant switchedOn) {
        Boolean backfill = body.bool("backfill");
        if (backfill == null || !backfill) {
            if (body.has("backfillFrom") || body.has("backfillTo")) {
                throw RegistryException.invalid("backfillFrom and backfillTo come with backfill: true");
            }
            return null;
        }
        Instant to = time(body, "backfillTo");
        RunSelection s = RunSelection.newBuilder().setUploadedFrom(time(body, "backfillFrom"))
                .setUploadedTo(to == null || to.isAfter(switchedOn) ? switchedOn : to).build();
        if (s.getUploadedFrom() != null && !s.getUploadedFrom().isBefore(s.getUploadedTo())) {
            throw RegistryException.invalid("backfillFrom must be before backfillTo and before now");
        }
        return s;
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static Instant time(JsonBody body, String field) {
        String value = body.string(field);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw RegistryException.invalid("field '" + field + "' must be an ISO-8601 time such as 2026-12-04T10:00:00Z, not " + value);
        }
    }
}
