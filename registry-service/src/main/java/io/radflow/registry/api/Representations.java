package io.radflow.registry.api;

import io.radflow.registry.auth.AccessPolicy;
import io.radflow.registry.clone.CloneCodeService;
import io.radflow.registry.commands.Enums;
import io.radflow.registry.commands.ModelChanges;
import io.radflow.schemas.avro.ApiKey;
import io.radflow.schemas.avro.CloneCode;
import io.radflow.schemas.avro.CodedConcept;
import io.radflow.schemas.avro.ExportDestination;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.RoutingRules;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the API returns, as records Jackson writes. Enum values are lower-case with '-'
 * ("scikit-learn", "site-only", "mdai-python"); times are ISO-8601 UTC.
 */
public final class Representations {

    private Representations() {
    }

    record ModelJson(String id, String name, String project, String owner, String description, String library,
                     String fileType, String visibility, boolean effectivelyPublic, boolean autoRun, boolean exportable,
                     String exportAudience, String cloneable, boolean cloneableFrozen, Integer activeVersion,
                     List<VersionJson> versions, String createdAt, String updatedAt, String lastUsedAt, String deletedAt,
                     long revision) {
    }

    public record VersionJson(int version, String runtime, String scope, String inputType, String device, ArtifactJson artifact,
                       HttpEndpointJson httpEndpoint, List<LabelClassJson> labelClasses, Map<String, String> defaultArgs,
                       BatchingJson batching, RoutingJson routing, String createdAt, boolean cloned, String clonedFrom,
                       boolean exportResults) {
    }

    /** Which images the version takes; empty lists and a null pattern set no rule. */
    record RoutingJson(List<String> modalities, List<String> sopClassUids, List<String> bodyPartsExamined,
                       String seriesDescriptionPattern) {
    }

    record ArtifactJson(String uri, String sha256, long sizeBytes, String fileName) {
    }

    record HttpEndpointJson(String url, int timeoutMs, String authHeader) {
    }

    record LabelClassJson(int classIndex, String labelId, String name, String type, String scope, String annotationMode,
                          CodeJson dicomCategory, CodeJson dicomType) {
    }

    record CodeJson(String value, String scheme, String meaning) {
    }

    /** Where the results exporter stores the project's DICOM results; never a secret, only the name of one. */
    record ExportDestinationJson(String kind, String url, String authSecret, String aeTitle, String host, Integer port) {
    }

    record BatchingJson(int maxBatchSize, int maxQueueDelayMs) {
    }

    record PageJson<T>(List<T> items, int page, int limit, int total, int pages) {
    }

    record ProjectJson(String id, String name, String siteId, String visibility, boolean exportDisabled,
                       List<MemberJson> members, String createdAt, String updatedAt, long revision,
                       ExportDestinationJson exportDestination) {
    }

    record MemberJson(String userId, String role) {
    }

    /** {@code key} is only set in the answer that creates the key. */
    record ApiKeyJson(String id, String userId, boolean admin, String label, String createdBy, String createdAt,
                      String revokedAt, String key) {
    }

    /** {@code code} is only set in the answer that creates the code. */
    record CloneCodeJson(String id, String modelId, String project, List<Integer> versions, String createdBy,
                         String createdAt, String revokedAt, String code) {
    }

    record CallerJson(String userId, boolean authenticated, boolean admin) {
    }

    record ErrorJson(ErrorBody error) {
    }

    record ErrorBody(int status, String code, String message) {
    }

    static ModelJson model(ModelSettings m, ProjectSettings project) {
        return new ModelJson(m.getModelId(), m.getName(), m.getProjectId(), m.getOwnerId(), m.getDescription(),
                Enums.text(m.getLibrary()), Enums.text(m.getFileType()), Enums.text(m.getVisibility()),
                AccessPolicy.isPublic(m, project), m.getAutoRun(), m.getExportable(), Enums.text(m.getExportAudience()),
                Enums.text(m.getCloneable()), ModelChanges.versionClonedFromAnother(m).isPresent(), m.getActiveVersion(),
                m.getVersions().stream().map(Representations::version).toList(), time(m.getCreatedAt()),
                time(m.getUpdatedAt()), time(m.getLastUsedAt()), time(m.getArchivedAt()), m.getRevision());
    }

    /** A version as the REST API and the export manifest describe it. */
    public static VersionJson version(ModelVersion v) {
        return new VersionJson(v.getVersion(), Enums.text(v.getRuntime()), Enums.text(v.getScope()), Enums.text(v.getInputType()),
                Enums.text(v.getDevice()),
                v.getArtifact() == null ? null : new ArtifactJson(v.getArtifact().getUri(), v.getArtifact().getSha256(),
                        v.getArtifact().getSizeBytes(), v.getArtifact().getFileName()),
                v.getHttpEndpoint() == null ? null : new HttpEndpointJson(v.getHttpEndpoint().getUrl(),
                        v.getHttpEndpoint().getTimeoutMs(), v.getHttpEndpoint().getAuthHeader()),
                v.getLabelClasses().stream().map(Representations::labelClass).toList(), Map.copyOf(v.getDefaultArgs()),
                new BatchingJson(v.getBatching().getMaxBatchSize(), v.getBatching().getMaxQueueDelayMs()),
                routing(v.getRouting()), time(v.getCreatedAt()), v.getCloned(), v.getClonedFrom(), v.getExportResults());
    }

    private static RoutingJson routing(RoutingRules r) {
        return new RoutingJson(List.copyOf(r.getModalities()), List.copyOf(r.getSopClassUids()), List.copyOf(r.getBodyPartsExamined()),
                r.getSeriesDescriptionPattern());
    }

    private static LabelClassJson labelClass(LabelClass c) {
        return new LabelClassJson(c.getClassIndex(), c.getLabelId(), c.getName(), Enums.text(c.getType()),
                Enums.text(c.getScope()), Enums.text(c.getAnnotationMode()), code(c.getDicomCategory()), code(c.getDicomType()));
    }

    private static CodeJson code(CodedConcept c) {
        return c == null ? null : new CodeJson(c.getValue(), c.getScheme(), c.getMeaning());
    }

    static ProjectJson project(ProjectSettings p) {
        return new ProjectJson(p.getProjectId(), p.getName(), p.getSiteId(), Enums.text(p.getVisibility()), p.getExportDisabled(),
                p.getMembers().stream().map(m -> new MemberJson(m.getUserId(), Enums.text(m.getRole()))).toList(),
                time(p.getCreatedAt()), time(p.getUpdatedAt()), p.getRevision(), exportDestination(p.getExportDestination()));
    }

    private static ExportDestinationJson exportDestination(ExportDestination d) {
        return d == null ? null : new ExportDestinationJson(Enums.text(d.getKind()), d.getUrl(), d.getAuthSecret(), d.getAeTitle(),
                d.getHost(), d.getPort());
    }

    static ApiKeyJson apiKey(ApiKey k, String token) {
        return new ApiKeyJson(k.getKeyId(), k.getUserId(), k.getSystemAdmin(), k.getLabel(), k.getCreatedBy(),
                time(k.getCreatedAt()), time(k.getRevokedAt()), token);
    }

    static CloneCodeJson cloneCode(CloneCode c, String code) {
        return new CloneCodeJson(CloneCodeService.id(c), c.getModelId(), c.getProjectId(), c.getVersions(), c.getCreatedBy(),
                time(c.getCreatedAt()), time(c.getRevokedAt()), code);
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
