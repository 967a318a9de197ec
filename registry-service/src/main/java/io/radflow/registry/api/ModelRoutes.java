package io.radflow.registry.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.radflow.registry.RegistryException;
import io.radflow.registry.artifacts.ArtifactUploads;
import io.radflow.registry.auth.AccessPolicy;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.clone.CloneCodeService;
import io.radflow.registry.commands.Enums;
import io.radflow.registry.commands.ModelChanges;
import io.radflow.registry.commands.ModelFilter;
import io.radflow.registry.commands.ModelService;
import io.radflow.registry.commands.ModelSettingsChange;
import io.radflow.registry.commands.VersionDraft;
import io.radflow.registry.export.ModelExporter;
import io.radflow.registry.runs.RunService;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelRun;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RunSelection;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Visibility;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@code /ml-models}: Neurodeploy's models API (list, create-or-update by name, get, delete with
 * archive or purge, restore), MD.ai-style settings, versions with artifact upload, export, clone
 * codes. Every model route takes {@code ?project=} to pick among same-named models of several
 * projects; without it a name means the caller's model in their default project first.
 */
final class ModelRoutes {

    static final int DEFAULT_PAGE_SIZE = 10;
    static final int MAX_PAGE_SIZE = 100;
    static final String NEURODEPLOY_VIEW = "neurodeploy";
    static final String FULL_VIEW = "full";

    private final HttpSupport http;
    private final ObjectMapper json;
    private final ModelService models;
    private final ArtifactUploads artifacts;
    private final ModelExporter exporter;
    private final CloneCodeService cloneCodes;
    private final RunService runs;

    ModelRoutes(HttpSupport http, ObjectMapper json, ModelService models, ArtifactUploads artifacts, ModelExporter exporter,
                CloneCodeService cloneCodes, RunService runs) {
        this.http = http;
        this.json = json;
        this.models = models;
        this.artifacts = artifacts;
        this.exporter = exporter;
        this.cloneCodes = cloneCodes;
        this.runs = runs;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/ml-models", this::list);
        routes.post("/ml-models", this::create);
        routes.get("/ml-models/{name}", this::get);
        routes.put("/ml-models/{name}", this::put);
        routes.delete("/ml-models/{name}", this::delete);
        routes.post("/ml-models/{name}/restore", this::restore);
        routes.get("/ml-models/{name}/versions", this::listVersions);
        routes.post("/ml-models/{name}/versions", this::addVersion);
        routes.get("/ml-models/{name}/versions/{version}", this::getVersion);
        routes.get("/ml-models/{name}/export", this::export);
        routes.post("/ml-models/{name}/clone-codes", this::createCloneCode);
        routes.get("/ml-models/{name}/clone-codes", this::listCloneCodes);
        routes.delete("/ml-models/{name}/clone-codes/{id}", this::revokeCloneCode);
        routes.post("/clone-codes/redeem", this::redeem);
    }

    private void list(Context ctx) {
        list(ctx, ctx::queryParam);
    }

    /**
     * A page of the models the caller may read: Neurodeploy's {@code {"models": [...]}} by default,
     * Radflow's full representation with {@code view=full}.
     */
    private void list(Context ctx, Function<String, String> param) {
        Caller caller = http.caller(ctx);
        int page = HttpSupport.integer("page", param.apply("page"), 1, 1, Integer.MAX_VALUE);
        int limit = HttpSupport.integer("limit", param.apply("limit"), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        Boolean deleted = HttpSupport.bool("deleted", param.apply("deleted"));
        ModelFilter filter = new ModelFilter(deleted != null && deleted, HttpSupport.bool("used", param.apply("used")),
                param.apply("project"));
        boolean full = fullView(param.apply("view"));
        List<ModelSettings> all = models.list(caller, filter);
        int from = (int) Math.min((long) (page - 1) * limit, all.size());
        List<ModelSettings> chosen = all.subList(from, Math.min(from + limit, all.size()));
        if (full) {
            ctx.json(new Representations.PageJson<>(chosen.stream().map(this::describe).toList(), page, limit, all.size(),
                    (all.size() + limit - 1) / limit));
        } else {
            ctx.json(new NeurodeployJson.Page(chosen.stream().map(m -> NeurodeployJson.model(m, models.project(m))).toList(),
                    page, limit, all.size()));
        }
    }

    private static boolean fullView(String view) {
        if (view == null || view.isBlank() || view.equalsIgnoreCase(NEURODEPLOY_VIEW)) {
            return false;
        }
        if (view.equalsIgnoreCase(FULL_VIEW)) {
            return true;
        }
        throw RegistryException.invalid("view must be " + NEURODEPLOY_VIEW + " (the default) or " + FULL_VIEW + ", not '" + view + "'");
    }

    /**
     * POST: create only; a name already used in the project is 409. A form-encoded body is
     * Neurodeploy's documented list request ({@code curl .../ml-models -d limit=10} posts its filters
     * as a form): it lists, as GET does.
     */
    private void create(Context ctx) {
        if (isForm(ctx)) {
            list(ctx, name -> ctx.formParam(name) != null ? ctx.formParam(name) : ctx.queryParam(name));
            return;
        }
        Caller caller = http.caller(ctx);
        JsonBody body = JsonBody.parse(json, ctx.body()).allow(Requests.MODEL_CREATE_FIELDS);
        String name = body.string("name");
        String project = body.string("project");
        if (name == null || project == null) {
            throw RegistryException.invalid("name and project are required");
        }
        ModelSettings created = models.create(caller, project, name, Requests.modelSettings(body));
        respond(ctx.status(201), created);
    }

    private void get(Context ctx) {
        respond(ctx, find(ctx));
    }

    /**
     * Neurodeploy's PUT /ml-models/{name}?lib=&filetype=&is_public=, plus settings in an optional
     * JSON body; with {@code autoRun: true, backfill: true} also a run over the data the project
     * already holds (its id and job count in the answer's {@code backfill}).
     */
    private void put(Context ctx) {
        Caller caller = http.caller(ctx);
        JsonBody body = JsonBody.parse(json, ctx.body()).allow(Requests.MODEL_PUT_FIELDS);
        RunSelection backfill = RunRoutes.backfill(body, Instant.now());
        ModelSettingsChange change = Requests.modelSettings(body);
        ModelLibrary lib = Enums.parse(ModelLibrary.class, ctx.queryParam("lib"), "lib");
        ModelFileType fileType = Requests.fileType(ctx.queryParam("filetype"));
        Visibility visibility = Requests.isPublic(ctx.queryParam("is_public"));
        same("lib", lib, change.library());
        same("filetype", fileType, change.fileType());
        same("is_public", visibility, change.visibility());
        change = change.withLibrary(lib, fileType).withVisibility(visibility);
        if (backfill != null && !Boolean.TRUE.equals(change.autoRun())) {
            throw RegistryException.invalid("backfill comes with switching auto-run on: send autoRun: true with it");
        }
        ModelService.Upserted result = models.upsert(caller, ctx.pathParam("name"), ctx.queryParam("project"), change,
                HttpSupport.ifMatch(ctx));
        ctx.status(result.created() ? 201 : 200);
        if (backfill == null) {
            respond(ctx, result.model());
            return;
        }
        ModelRun run = runs.create(caller, result.model().getName(), result.model().getProjectId(), backfill, null, true);
        HttpSupport.etag(ctx, result.model().getRevision());
        ObjectNode answer = json.valueToTree(describe(result.model()));
        answer.putObject("backfill").put("runId", run == null ? null : run.getRunId()).put("jobs", run == null ? 0 : run.getExpectedJobs());
        ctx.json(answer);
    }

    private static void same(String param, Object query, Object body) {
        if (query != null && body != null && !Objects.equals(query, body)) {
            throw RegistryException.invalid("query parameter " + param + " and the body disagree");
        }
    }

    /** Archives; {@code ?purge=true} deletes for good (tombstone) and removes the model's clone codes. */
    private void delete(Context ctx) {
        Caller caller = http.caller(ctx);
        ModelSettings model = find(ctx);
        Boolean purge = HttpSupport.boolParam(ctx, "purge");
        if (purge != null && purge) {
            models.purge(caller, model);
            cloneCodes.deleteCodesOf(model.getModelId());
            ctx.status(204);
        } else {
            respond(ctx, models.archive(caller, model));
        }
    }

    private void listVersions(Context ctx) {
        ctx.json(find(ctx).getVersions().stream().map(Representations::version).toList());
    }

    private void getVersion(Context ctx) {
        int number = HttpSupport.intPath(ctx, "version");
        ModelSettings model = find(ctx);
        ModelVersion version = ModelChanges.version(model, number)
                .orElseThrow(() -> RegistryException.notFound("model '" + model.getName() + "' has no version " + number));
        ctx.json(Representations.version(version));
    }

    /**
     * A new version: {@code multipart/form-data} with a JSON {@code metadata} part and the
     * {@code artifact} file (ONNX file or MD.ai package), or a JSON body alone for HTTP models.
     * Permissions are checked before the upload is read; the artifact is checked before it is stored.
     */
    private void addVersion(Context ctx) throws IOException {
        Caller caller = http.caller(ctx);
        ModelSettings model = find(ctx);
        RuntimeKind runtime = models.requireVersionable(caller, model);
        if (ctx.contentLength() > artifacts.maxBytes() + RegistryHttpServer.MULTIPART_OVERHEAD) {
            throw ArtifactUploads.tooLarge(artifacts.maxBytes());
        }
        VersionDraft draft;
        UploadedFile file = null;
        if (ctx.isMultipartFormData()) {
            String metadata = multipart(() -> ctx.formParam("metadata"));
            if (metadata == null) {
                throw RegistryException.invalid("the multipart body needs a 'metadata' part with the version's JSON");
            }
            draft = Requests.version(JsonBody.parse(json, metadata));
            file = multipart(() -> ctx.uploadedFile("artifact"));
        } else {
            draft = Requests.version(JsonBody.parse(json, ctx.body()));
        }
        if (runtime == RuntimeKind.HTTP) {
            if (draft.httpEndpoint() == null) {
                throw RegistryException.invalid("an HTTP model's version needs httpEndpoint {\"url\": ...}");
            }
            if (file != null) {
                throw RegistryException.invalid("an HTTP model's version has no artifact; describe it with httpEndpoint");
            }
        } else {
            if (draft.httpEndpoint() != null) {
                throw RegistryException.invalid("httpEndpoint is only for HTTP models; this one runs " + Enums.text(runtime));
            }
            if (file == null) {
                throw RegistryException.invalid("the artifact is missing: send multipart/form-data with an 'artifact' file part"
                        + " (and the version's JSON in a 'metadata' part)");
            }
            try (InputStream in = file.content()) {
                ArtifactUploads.Stored stored = artifacts.store(in, file.filename(), model.getFileType());
                draft = draft.withArtifact(stored.artifact(), stored.device().orElse(null));
            }
        }
        ModelVersion version = models.addVersion(caller, model, draft);
        ctx.status(201).json(Representations.version(version));
    }

    /** Jetty parses multipart bodies lazily and reports limits and framing errors as exceptions. */
    private <T> T multipart(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (Exception e) {
            // Kotlin rethrows Jetty's checked ServletException undeclared, hence Exception.
            for (Throwable c = e; c != null; c = c.getCause()) {
                String message = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (message.contains("size exceeded") || message.contains("too large")) {
                    throw ArtifactUploads.tooLarge(artifacts.maxBytes());
                }
            }
            throw RegistryException.invalid("cannot read the multipart body: " + e.getMessage());
        }
    }

    private void export(Context ctx) throws IOException {
        Caller caller = http.caller(ctx);
        ModelSettings model = find(ctx);
        AccessPolicy.requireExport(caller, model, models.project(model));
        Path zip = exporter.export(model, Requests.versionList(ctx.queryParam("versions")), caller.userId(),
                models.clock().instant(), m -> describe(m), Representations::version);
        ctx.contentType("application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + model.getName() + ".zip\"")
                .header("Content-Length", Long.toString(Files.size(zip)))
                .result(deletingOnClose(zip));
    }

    private void createCloneCode(Context ctx) {
        Caller caller = http.caller(ctx);
        ModelSettings model = find(ctx);
        JsonBody body = JsonBody.parse(json, ctx.body()).allow(java.util.Set.of("versions"));
        List<Integer> versions = body.integers("versions");
        CloneCodeService.Created created = cloneCodes.create(caller, model, versions == null ? List.of() : versions);
        ctx.status(201).json(Representations.cloneCode(created.cloneCode(), created.code()));
    }

    private void listCloneCodes(Context ctx) {
        Caller caller = http.caller(ctx);
        ctx.json(cloneCodes.list(caller, find(ctx)).stream().map(c -> Representations.cloneCode(c, null)).toList());
    }

    private void revokeCloneCode(Context ctx) {
        Caller caller = http.caller(ctx);
        ctx.json(Representations.cloneCode(cloneCodes.revoke(caller, find(ctx), ctx.pathParam("id")), null));
    }

    private void redeem(Context ctx) {
        Caller caller = http.caller(ctx);
        JsonBody body = JsonBody.parse(json, ctx.body()).allow(java.util.Set.of("code", "project", "name"));
        ModelSettings created = cloneCodes.redeem(caller, body.string("code"), body.string("project"), body.string("name"));
        respond(ctx.status(201), created);
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** Undoes DELETE without purge: the archived model is active again (auto-run stays off). */
    private void restore(Context ctx) {
        respond(ctx, models.restore(http.caller(ctx), find(ctx)));
    }

    private ModelSettings find(Context ctx) {
        return models.find(http.caller(ctx), ctx.pathParam("name"), ctx.queryParam("project"));
    }

    private Representations.ModelJson describe(ModelSettings model) {
        return Representations.model(model, models.project(model));
    }

    private void respond(Context ctx, ModelSettings model) {
        HttpSupport.etag(ctx, model.getRevision());
        ctx.json(describe(model));
    }

    private static InputStream deletingOnClose(Path file) throws IOException {
        return new FilterInputStream(new FileInputStream(file.toFile())) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    ModelExporter.deleteQuietly(file);
                }
            }
        };
    }
}
