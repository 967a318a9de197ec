package io.radflow.registry.api;

import io.radflow.registry.RegistryException;
import io.radflow.registry.commands.Enums;
import io.radflow.registry.commands.ModelChanges;
import io.radflow.registry.commands.ModelSettingsChange;
import io.radflow.registry.commands.ProjectChange;
import io.radflow.registry.commands.VersionDraft;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.Cloneability;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.ExportAudience;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ProjectMember;
import io.radflow.schemas.avro.ProjectRole;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.avro.Visibility;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Request bodies and parameters turned into the domain's requests, with a clear 400 for each mistake. */
final class Requests {

    private Requests() {
    }

    static final Set<String> MODEL_SETTINGS_FIELDS = Set.of("description", "visibility", "autoRun", "exportable",
            "exportAudience", "cloneable", "activeVersion", "library", "fileType");
    static final Set<String> MODEL_CREATE_FIELDS = union(MODEL_SETTINGS_FIELDS, Set.of("name", "project"));
    /** With {@code autoRun: true} in a PUT: also run the model over the data the project already holds (a backfill run). */
    static final Set<String> BACKFILL_FIELDS = Set.of("backfill", "backfillFrom", "backfillTo");
    static final Set<String> MODEL_PUT_FIELDS = union(MODEL_SETTINGS_FIELDS, BACKFILL_FIELDS);
    static final Set<String> VERSION_FIELDS = Set.of("scope", "inputType", "device", "labelClasses", "defaultArgs",
            "batching", "httpEndpoint", "routing", "activate");
    static final Set<String> ROUTING_FIELDS = Set.of("modalities", "sopClassUids", "bodyPartsExamined", "seriesDescriptionPattern");
    static final Set<String> PROJECT_FIELDS = Set.of("id", "name", "siteId", "visibility", "exportDisabled", "members");

    static ModelSettingsChange modelSettings(JsonBody body) {
        return new ModelSettingsChange(body.enumValue("library", ModelLibrary.class), fileType(body.string("fileType")),
                body.string("description"), body.enumValue("visibility", Visibility.class), body.bool("autoRun"),
                body.bool("exportable"), body.enumValue("exportAudience", ExportAudience.class),
                body.enumValue("cloneable", Cloneability.class), body.has("activeVersion"), body.integer("activeVersion"));
    }

    /** Neurodeploy's spelling: filetype "none" (or absent) for HTTP models. */
    static ModelFileType fileType(String text) {
        return text == null ? null : Enums.parse(ModelFileType.class, text, "filetype");
    }

    static Visibility isPublic(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> Visibility.PUBLIC;
            case "false", "0", "no" -> Visibility.PRIVATE;
            default -> throw RegistryException.invalid("is_public must be true or false, not '" + text + "'");
        };
    }

    static VersionDraft version(JsonBody body) {
        body.allow(VERSION_FIELDS);
        Scope scope = body.enumValue("scope", Scope.class);
        if (scope == null) {
            throw RegistryException.invalid("scope is required: instance, series or study");
        }
        InputType inputType = body.enumValue("inputType", InputType.class);
        JsonBody batching = body.object("batching");
        Batching limits = batching == null ? new Batching(1, 0) : new Batching(
                batching.allow(Set.of("maxBatchSize", "maxQueueDelayMs")).integer("maxBatchSize", 1, 1, 4096),
                batching.integer("maxQueueDelayMs", 0, 0, 600_000));
        Map<String, String> args = body.stringMap("defaultArgs");
        Boolean activate = body.bool("activate");
        return new VersionDraft(scope, inputType == null ? InputType.DICOM : inputType, body.enumValue("device", Device.class),
                labelClasses(body.objects("labelClasses")), args == null ? Map.of() : args, limits,
                httpEndpoint(body.object("httpEndpoint")), routing(body.object("routing")), null, activate != null && activate);
    }

    /** {@code routing}: absent or null takes every image; checked here, before an artifact is read. */
    private static RoutingRules routing(JsonBody body) {
        if (body == null) {
            return RoutingRules.newBuilder().build();
        }
        body.allow(ROUTING_FIELDS);
        List<String> modalities = body.strings("modalities");
        List<String> sopClassUids = body.strings("sopClassUids");
        List<String> bodyParts = body.strings("bodyPartsExamined");
        return ModelChanges.routing(RoutingRules.newBuilder()
                .setModalities(modalities == null ? List.of() : modalities)
                .setSopClassUids(sopClassUids == null ? List.of() : sopClassUids)
                .setBodyPartsExamined(bodyParts == null ? List.of() : bodyParts)
                .setSeriesDescriptionPattern(body.string("seriesDescriptionPattern")).build());
    }

    private static List<LabelClass> labelClasses(List<JsonBody> items) {
        if (items == null) {
            return List.of();
        }
        List<LabelClass> out = new ArrayList<>();
        Set<Integer> indexes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (JsonBody item : items) {
            item.allow(Set.of("classIndex", "labelId", "name", "type", "scope", "annotationMode"));
            Integer index = item.integer("classIndex");
            String labelId = item.string("labelId");
            LabelType type = item.enumValue("type", LabelType.class);
            Scope scope = item.enumValue("scope", Scope.class);
            AnnotationMode mode = item.enumValue("annotationMode", AnnotationMode.class);
            if (index == null || index < 0) {
                throw RegistryException.invalid("each label class needs a classIndex >= 0");
            }
            if (labelId == null || labelId.isBlank()) {
                throw RegistryException.invalid("label class " + index + " needs a labelId");
            }
            if (type == null || scope == null) {
                throw RegistryException.invalid("label class " + index + " needs a type (global, local) and a scope (instance, series, study)");
            }
            if (type == LabelType.LOCAL && mode == null) {
                throw RegistryException.invalid("label class " + index + " is local and needs an annotationMode "
                        + List.of(AnnotationMode.values()).stream().map(Enums::text).toList());
            }
            if (!indexes.add(index) || !ids.add(labelId)) {
                throw RegistryException.invalid("label class " + index + " (" + labelId + ") repeats a classIndex or labelId");
            }
            String name = item.string("name");
            out.add(new LabelClass(index, labelId, name == null || name.isBlank() ? labelId : name, type, scope, mode));
        }
        return out;
    }

    private static HttpEndpoint httpEndpoint(JsonBody body) {
        if (body == null) {
            return null;
        }
        body.allow(Set.of("url", "timeoutMs", "authHeader"));
        String url = body.string("url");
        URI uri;
        try {
            uri = url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw RegistryException.invalid("httpEndpoint.url must be an http:// or https:// URL, not '" + url + "'");
        }
        String authHeader = body.string("authHeader");
        if (authHeader != null && !authHeader.matches("[A-Za-z0-9._-]{1,100}")) {
            throw RegistryException.invalid("httpEndpoint.authHeader names a worker-side secret (letters, digits, '.', '_', '-'); never put the secret itself here");
        }
        return new HttpEndpoint(url, body.integer("timeoutMs", 30_000, 1, 600_000), authHeader);
    }

    static ProjectChange project(JsonBody body) {
        body.allow(PROJECT_FIELDS);
        List<JsonBody> members = body.objects("members");
        List<ProjectMember> parsed = null;
        if (members != null) {
            parsed = new ArrayList<>();
            for (JsonBody m : members) {
                parsed.add(member(m.allow(Set.of("userId", "role")), m.string("userId")));
            }
        }
        String name = body.string("name");
        if (name != null && (name.isBlank() || name.length() > 200)) {
            throw RegistryException.invalid("project name must be 1-200 characters");
        }
        return new ProjectChange(name, body.string("siteId"), body.enumValue("visibility", Visibility.class),
                body.bool("exportDisabled"), parsed);
    }

    static ProjectMember member(JsonBody body, String userId) {
        ProjectRole role = body.enumValue("role", ProjectRole.class);
        if (userId == null) {
            throw RegistryException.invalid("each member needs a userId");
        }
        return new ProjectMember(userId, role == null ? ProjectRole.MEMBER : role);
    }

    /** "1,2,3" (query parameter) to version numbers. */
    static List<Integer> versionList(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw RegistryException.invalid("versions must be comma-separated version numbers, not '" + text + "'");
            }
        }
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }
}
