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
import io.radflow.schemas.avro.CodedConcept;
import io.radflow.schemas.avro.ExportDestination;
import io.radflow.schemas.avro.ExportDestinationKind;
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
import java.net.URISyntaxException;
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
            "batching", "httpEndpoint", "routing", "activate", "exportResults");
    static final Set<String> ROUTING_FIELDS = Set.of("modalities", "sopClassUids", "bodyPartsExamined", "seriesDescriptionPattern");
    static final Set<String> PROJECT_FIELDS = Set.of("id", "name", "siteId", "visibility", "exportDisabled", "members",
            "exportDestination");

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
        Boolean exportResults = body.bool("exportResults");
        return new VersionDraft(scope, inputType == null ? InputType.DICOM : inputType, body.enumValue("device", Device.class),
                labelClasses(body.objects("labelClasses")), args == null ? Map.of() : args, limits,
                httpEndpoint(body.object("httpEndpoint")), routing(body.object("routing")), null, activate != null && activate,
                exportResults != null && exportResults);
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
            item.allow(Set.of("classIndex", "labelId", "name", "type", "scope", "annotationMode", "dicomCategory", "dicomType"));
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
            out.add(new LabelClass(index, labelId, name == null || name.isBlank() ? labelId : name, type, scope, mode,
                    code(item.object("dicomCategory"), "label class " + index + " dicomCategory"),
                    code(item.object("dicomType"), "label class " + index + " dicomType")));
        }
        return out;
    }

    /** A DICOM code {value, scheme, meaning} (e.g. 10200004, SCT, Liver); absent: the exporter's documented default. */
    private static CodedConcept code(JsonBody body, String what) {
        if (body == null) {
            return null;
        }
        body.allow(Set.of("value", "scheme", "meaning"));
        String value = body.string("value");
        String scheme = body.string("scheme");
        String meaning = body.string("meaning");
        if (value == null || !value.matches("[^\\\\]{1,64}") || scheme == null || !scheme.matches("[A-Z0-9_.-]{1,16}")
                || meaning == null || meaning.isBlank() || meaning.length() > 64) {
            throw RegistryException.invalid(what + " needs a value (1-64 characters), a scheme (e.g. SCT, DCM; up to 16 capitals, "
                    + "digits, '.', '_', '-') and a meaning (1-64 characters)");
        }
        return new CodedConcept(value, scheme, meaning);
    }

    /** {@code exportDestination}: where the results exporter stores the project's DICOM results. */
    static ExportDestination exportDestination(JsonBody body) {
        if (body == null) {
            return null;
        }
        body.allow(Set.of("kind", "url", "authSecret", "aeTitle", "host", "port"));
        ExportDestinationKind kind = body.enumValue("kind", ExportDestinationKind.class);
        if (kind == null) {
            throw RegistryException.invalid("exportDestination.kind is required: content_store, stow_rs or c_store");
        }
        ExportDestination.Builder d = ExportDestination.newBuilder().setKind(kind);
        switch (kind) {
            case CONTENT_STORE -> { }
            case STOW_RS -> {
                String url = body.string("url");
                URI uri;
                try {
                    uri = url == null ? null : new URI(url);
                } catch (URISyntaxException e) {
                    uri = null;
                }
                if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw RegistryException.invalid("exportDestination.url must be the DICOMweb base URL (http:// or https://), not '" + url + "'");
                }
                String secret = body.string("authSecret");
                if (secret != null && !secret.matches("[A-Za-z0-9._-]{1,100}")) {
                    throw RegistryException.invalid("exportDestination.authSecret names a file in the exporter's secrets directory "
                            + "(letters, digits, '.', '_', '-'); never put the secret itself here");
                }
                d.setUrl(url).setAuthSecret(secret);
            }
            case C_STORE -> {
                String ae = body.string("aeTitle");
                String host = body.string("host");
                Integer port = body.integer("port");
                if (ae == null || !ae.matches("[\\x20-\\x5B\\x5D-\\x7E]{1,16}") || ae.isBlank()) {
                    throw RegistryException.invalid("exportDestination.aeTitle must be 1-16 characters without backslash");
                }
                if (host == null || host.isBlank() || port == null || port < 1 || port > 65535) {
                    throw RegistryException.invalid("exportDestination needs a host and a port (1-65535) for c_store");
                }
                d.setAeTitle(ae).setHost(host).setPort(port);
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return d.build();
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
                body.bool("exportDisabled"), parsed, exportDestination(body.object("exportDestination")));
    }

    static ProjectMember member(JsonBody body, String userId) {
        ProjectRole role = body.enumValue("role", ProjectRole.class);
        if (userId == null) {
            throw RegistryException.invalid("each member needs a userId");
        }
        return new ProjectMember(userId, role == null ? ProjectRole.MEMBER : role);
    }

    /**
     * "1,2,3" (query parameter) to version numbers; absent is null (every version), present and
     * empty is no version (MD.ai exports the model card alone when no version is selected).
     */
    static List<Integer> versionList(String text) {
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
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
