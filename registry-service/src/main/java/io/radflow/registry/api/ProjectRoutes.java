package io.radflow.registry.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.radflow.registry.RegistryException;
import io.radflow.registry.auth.ApiKeyService;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.commands.ProjectService;
import io.radflow.schemas.avro.ProjectSettings;
import java.util.Set;

/** {@code /projects}: members and roles, visibility, export switch; and {@code /api-keys}, {@code /me}. */
final class ProjectRoutes {

    private final HttpSupport http;
    private final ObjectMapper json;
    private final ProjectService projects;
    private final ApiKeyService keys;

    ProjectRoutes(HttpSupport http, ObjectMapper json, ProjectService projects, ApiKeyService keys) {
        this.http = http;
        this.json = json;
        this.projects = projects;
        this.keys = keys;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/projects", this::create);
        routes.get("/projects", ctx -> ctx.json(projects.list(http.caller(ctx)).stream().map(Representations::project).toList()));
        routes.get("/projects/{id}", ctx -> respond(ctx, projects.get(http.caller(ctx), ctx.pathParam("id"))));
        routes.patch("/projects/{id}", this::update);
        routes.put("/projects/{id}/members/{userId}", this::putMember);
        routes.delete("/projects/{id}/members/{userId}",
                ctx -> respond(ctx, projects.removeMember(http.caller(ctx), ctx.pathParam("id"), ctx.pathParam("userId"))));

        routes.get("/me", ctx -> {
            Caller caller = http.caller(ctx);
            ctx.json(new Representations.CallerJson(caller.userId(), !caller.anonymous(), caller.systemAdmin()));
        });
        routes.post("/api-keys", this::createKey);
        routes.get("/api-keys", ctx -> ctx.json(keys.list(http.caller(ctx)).stream().map(k -> Representations.apiKey(k, null)).toList()));
        routes.delete("/api-keys/{id}", ctx -> ctx.json(Representations.apiKey(keys.revoke(http.caller(ctx), ctx.pathParam("id")), null)));
    }

    private void create(Context ctx) {
        Caller caller = http.caller(ctx);
        JsonBody body = JsonBody.parse(json, ctx.body());
        var change = Requests.project(body);
        String id = body.string("id");
        if (id == null) {
            throw RegistryException.invalid("id is required");
        }
        respond(ctx.status(201), projects.create(caller, id, change));
    }

    private void update(Context ctx) {
        Caller caller = http.caller(ctx);
        JsonBody body = JsonBody.parse(json, ctx.body());
        if (body.has("id")) {
            throw RegistryException.invalid("a project's id cannot change");
        }
        respond(ctx, projects.update(caller, ctx.pathParam("id"), Requests.project(body)));
    }

    private void putMember(Context ctx) {
        Caller caller = http.caller(ctx);
        JsonBody body = JsonBody.parse(json, ctx.body()).allow(Set.of("role"));
        String userId = ctx.pathParam("userId");
        respond(ctx, projects.putMember(caller, ctx.pathParam("id"), userId, Requests.member(body, userId).getRole()));
    }

    private void createKey(Context ctx) {
        Caller caller = http.caller(ctx);
        JsonBody body = JsonBody.parse(json, ctx.body()).allow(Set.of("userId", "admin", "label"));
        Boolean admin = body.bool("admin");
        ApiKeyService.Created created = keys.create(caller, body.string("userId"), admin != null && admin, body.string("label"));
        ctx.status(201).json(Representations.apiKey(created.key(), created.token()));
    }

    private static void respond(Context ctx, ProjectSettings project) {
        HttpSupport.etag(ctx, project.getRevision());
        ctx.json(Representations.project(project));
    }
}
