package io.radflow.registry.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.registry.commands.Enums;
import io.radflow.registry.predict.PredictReplies;
import io.radflow.registry.predict.PredictService;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.json.PredictionJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /ml-models/{name}/predict}: Neurodeploy's synchronous predict endpoint. The body is
 * one DICOM file ({@code application/dicom}, or any non-multipart type) or several as
 * multipart/form-data file parts (any part names). Answers 200 with the predictions, 422 when the
 * job failed because of its input, 502 when it failed in the model or its runtime, 504 past
 * {@code registry.predict.timeout}.
 */
final class PredictRoutes {

    /** Job failures caused by what the caller sent (422); every other failure is the model's side (502). */
    static final Set<Reason> INPUT_FAILURES = EnumSet.of(Reason.UNREADABLE_DICOM, Reason.UNSUPPORTED_TRANSFER_SYNTAX,
            Reason.CONTENT_CORRUPT, Reason.MALFORMED_EVENT, Reason.MISSING_FIELD, Reason.INVALID_REQUEST);

    private final HttpSupport http;
    private final ObjectMapper json;
    private final PredictService predict;
    private final int maxFiles;
    private final long maxBytes;

    PredictRoutes(HttpSupport http, ObjectMapper json, PredictService predict, int maxFiles, long maxBytes) {
        this.http = http;
        this.json = json;
        this.predict = predict;
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/ml-models/{name}/predict", this::predict);
    }

    private void predict(Context ctx) throws IOException {
        // Who is calling first: a bad key is a 401 before the body is read.
        var caller = http.caller(ctx);
        if (ctx.contentLength() > maxBytes + RegistryHttpServer.MULTIPART_OVERHEAD) {
            throw tooLarge();
        }
        PredictService.Result r = predict.predict(caller, ctx.pathParam("name"), ctx.queryParam("project"), files(ctx));
        InferenceJob job = r.job();
        if (r.outcome() == null) {
            RegistryHttpServer.error(ctx, 504, "timeout", "job " + job.getJobId() + " gave no outcome within "
                    + predict.timeout().toMillis() + " ms (registry.predict.timeout); it still runs and its predictions will be"
                    + " published to the predictions topic");
            ctx.header("X-Radflow-Job-Id", job.getJobId());
            return;
        }
        JobStatus status = r.outcome().status();
        ctx.header("X-Radflow-Job-Id", job.getJobId());
        if (status.getState() == JobState.FAILED) {
            Reason reason = reason(status.getReason());
            int code = reason != null && INPUT_FAILURES.contains(reason) ? 422 : 502;
            RegistryHttpServer.error(ctx, code, reason == null ? "job-failed" : Enums.text(reason),
                    "job " + job.getJobId() + " failed: " + status.getMessage());
            return;
        }
        ObjectNode o = json.createObjectNode();
        o.put("model", r.model().getName());
        o.put("project", r.model().getProjectId());
        o.put("version", job.getModelVersion());
        o.put("scope", job.getScope().name());
        o.put("scopeUid", job.getScopeUid());
        o.put("studyUid", job.getStudyInstanceUid());
        o.put("jobId", job.getJobId());
        o.put("state", status.getState().name());
        o.put("workerId", status.getWorkerId());
        o.put("durationMs", r.waited().toMillis());
        ArrayNode list = o.putArray("predictions");
        for (Prediction p : r.outcome().predictions()) {
            list.add(PredictionJson.toJson(p));
        }
        ctx.status(200).json(o);
    }

    private List<PredictService.PredictFile> files(Context ctx) throws IOException {
        List<PredictService.PredictFile> out = new ArrayList<>();
        if (ctx.isMultipartFormData()) {
            List<UploadedFile> parts = multipart(ctx);
            if (parts.size() > maxFiles) {
                throw new RegistryException(Reason.PAYLOAD_TOO_LARGE, parts.size() + " files in one predict request; at most "
                        + maxFiles + " (registry.predict.max.files)");
            }
            long total = 0;
            for (UploadedFile f : parts) {
                total += f.size();
                if (total > maxBytes) {
                    throw tooLarge();
                }
                try (InputStream in = f.content()) {
                    out.add(new PredictService.PredictFile(f.filename(), in.readAllBytes()));
                }
            }
            return out;
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge();
            }
            if (bytes.length > 0) {
                out.add(new PredictService.PredictFile("body", bytes));
            }
        }
        return out;
    }

    private List<UploadedFile> multipart(Context ctx) {
        try {
            return ctx.uploadedFiles();
        } catch (Exception e) {
            // Kotlin rethrows Jetty's checked ServletException undeclared, hence Exception.
            for (Throwable c = e; c != null; c = c.getCause()) {
                String message = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
                if (message.contains("size exceeded") || message.contains("too large") || message.contains("exceed")) {
                    throw tooLarge();
                }
            }
            throw RegistryException.invalid("the multipart body cannot be read: " + e.getMessage());
        }
    }

    private RegistryException tooLarge() {
        return new RegistryException(Reason.PAYLOAD_TOO_LARGE, "the files of one predict request may hold at most " + maxBytes
                + " bytes (registry.predict.max.bytes)");
    }

    private static Reason reason(String name) {
        if (name == null) {
            return null;
        }
        try {
            return Reason.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
