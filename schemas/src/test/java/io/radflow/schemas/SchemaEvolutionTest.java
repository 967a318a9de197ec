package io.radflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * Fields added for objects without pixels and for routing rules keep the contract BACKWARD
 * compatible (and forward: older readers skip them): the schemas before them, derived here by
 * removing exactly those fields, are read by today's classes with the documented defaults.
 */
class SchemaEvolutionTest {

    static final Map<String, Set<String>> ADDED_FOR_ROUTING = Map.of(
            "DataUploaded", Set.of("hasPixelData", "bodyPartExamined", "seriesDescription"),
            "ModelVersion", Set.of("routing"));
    /** Fields added for the results exporter (DICOM SEG/SR export). */
    static final Map<String, Set<String>> ADDED_FOR_EXPORT = Map.of(
            "LabelClass", Set.of("dicomCategory", "dicomType"),
            "ModelVersion", Set.of("exportResults"),
            "ProjectSettings", Set.of("exportDestination"));
    /** The schemas before routing also lacked what came after it. */
    static final Map<String, Set<String>> BEFORE_ROUTING = merge(ADDED_FOR_ROUTING, ADDED_FOR_EXPORT);
    static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, Set<String>> merge(Map<String, Set<String>> a, Map<String, Set<String>> b) {
        Map<String, Set<String>> out = new java.util.HashMap<>();
        a.forEach((k, v) -> out.computeIfAbsent(k, x -> new java.util.HashSet<>()).addAll(v));
        b.forEach((k, v) -> out.computeIfAbsent(k, x -> new java.util.HashSet<>()).addAll(v));
        return out;
    }

    /** The schema as it was before the given fields were added. */
    static Schema without(Schema current, Map<String, Set<String>> added) throws IOException {
        JsonNode tree = JSON.readTree(current.toString());
        strip(tree, added);
        return new Schema.Parser().parse(tree.toString());
    }

    private static void strip(JsonNode node, Map<String, Set<String>> added) {
        if (node instanceof ObjectNode o) {
            if ("record".equals(o.path("type").asText()) && added.containsKey(o.path("name").asText())) {
                ArrayNode fields = (ArrayNode) o.get("fields");
                for (int i = fields.size() - 1; i >= 0; i--) {
                    if (added.get(o.path("name").asText()).contains(fields.get(i).path("name").asText())) {
                        fields.remove(i);
                    }
                }
            }
            o.elements().forEachRemaining(child -> strip(child, added));
        } else if (node instanceof ArrayNode a) {
            a.forEach(child -> strip(child, added));
        }
    }

    @Test
    void shouldStayCompatibleBothWaysWithTheSchemasBeforeRouting() throws IOException {
        assertCompatibleBothWays(List.of(DatasetUploadEvent.getClassSchema(), ModelSettings.getClassSchema()), ADDED_FOR_ROUTING);
    }

    @Test
    void shouldStayCompatibleBothWaysWithTheSchemasBeforeResultExport() throws IOException {
        assertCompatibleBothWays(List.of(ModelSettings.getClassSchema(), ProjectSettings.getClassSchema()), ADDED_FOR_EXPORT);
    }

    /** BACKWARD (today's readers read older data) and FORWARD (older readers read today's data) against the schemas before {@code added}. */
    static void assertCompatibleBothWays(List<Schema> schemas, Map<String, Set<String>> added) throws IOException {
        for (Schema current : schemas) {
            Schema before = without(current, added);
            assertThat(before).isNotEqualTo(current);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, before).getType())
                    .as("BACKWARD: %s reads what the older producers wrote", current.getName())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before, current).getType())
                    .as("FORWARD: older consumers of %s read what today's producers write", current.getName())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void shouldReadAnOldProjectAsExportingToTheContentStore() throws IOException {
        Schema before = without(ProjectSettings.getClassSchema(), ADDED_FOR_EXPORT);
        GenericRecord project = new GenericData.Record(before);
        project.put("projectId", "p");
        project.put("name", "P");
        project.put("siteId", "site");
        project.put("visibility", new GenericData.EnumSymbol(before.getField("visibility").schema(), "PRIVATE"));
        project.put("exportDisabled", false);
        project.put("members", List.of());
        project.put("createdAt", 0L);
        project.put("updatedAt", 0L);
        project.put("revision", 3L);
        ProjectSettings read = readAsCurrent(before, project, ProjectSettings.getClassSchema());
        assertThat(read.getRevision()).isEqualTo(3L);
        assertThat(read.getExportDestination()).as("no destination: the content store").isNull();
    }

    @Test
    void shouldReadAnOldUploadAsUnknownPixelDataBodyPartAndDescription() throws IOException {
        Schema before = without(DatasetUploadEvent.getClassSchema(), ADDED_FOR_ROUTING);
        Schema payloadSchema = before.getField("payload").schema().getTypes().get(0);
        Schema contentSchema = payloadSchema.getField("content").schema();
        GenericRecord content = new GenericData.Record(contentSchema);
        content.put("uri", "file:///x.dcm");
        content.put("contentType", "application/dicom");
        content.put("sizeBytes", 10L);
        content.put("sha256", null);
        GenericRecord payload = new GenericData.Record(payloadSchema);
        payload.put("seriesInstanceUid", "1.2.3.4");
        payload.put("sopInstanceUid", "1.2.3.4.5");
        payload.put("sopClassUid", "1.2.840.10008.5.1.4.1.1.88.11");
        payload.put("modality", "SR");
        payload.put("numberOfFrames", 1);
        payload.put("content", content);
        GenericRecord event = new GenericData.Record(before);
        event.put("eventId", "e");
        event.put("projectId", "p");
        event.put("datasetId", "d");
        event.put("studyInstanceUid", "1.2.3");
        event.put("source", "old-uploader");
        event.put("publishedAt", 0L);
        event.put("payload", payload);

        DatasetUploadEvent read = readAsCurrent(before, event, DatasetUploadEvent.getClassSchema());
        DataUploaded data = (DataUploaded) read.getPayload();
        assertThat(data.getSopClassUid()).isEqualTo("1.2.840.10008.5.1.4.1.1.88.11");
        assertThat(data.getHasPixelData()).isNull();
        assertThat(data.getBodyPartExamined()).isNull();
        assertThat(data.getSeriesDescription()).isNull();
    }

    @Test
    void shouldReadAnOldVersionAsTakingEveryImage() throws IOException {
        Schema before = without(ModelSettings.getClassSchema(), BEFORE_ROUTING);
        Schema versionSchema = before.getField("versions").schema().getElementType();
        GenericRecord batching = new GenericData.Record(versionSchema.getField("batching").schema());
        batching.put("maxBatchSize", 1);
        batching.put("maxQueueDelayMs", 0);
        GenericRecord version = new GenericData.Record(versionSchema);
        version.put("version", 1);
        version.put("runtime", new GenericData.EnumSymbol(versionSchema.getField("runtime").schema(), "ONNX"));
        version.put("scope", new GenericData.EnumSymbol(versionSchema.getField("scope").schema(), "SERIES"));
        version.put("inputType", new GenericData.EnumSymbol(versionSchema.getField("inputType").schema(), "DICOM"));
        version.put("device", new GenericData.EnumSymbol(versionSchema.getField("device").schema(), "CPU"));
        version.put("labelClasses", List.of());
        version.put("defaultArgs", Map.of());
        version.put("batching", batching);
        version.put("createdAt", 0L);
        version.put("cloned", false);
        GenericRecord model = new GenericData.Record(before);
        for (Schema.Field f : before.getFields()) {
            if (f.hasDefaultValue()) {
                model.put(f.name(), GenericData.get().getDefaultValue(f));
            }
        }
        model.put("modelId", "m");
        model.put("projectId", "p");
        model.put("ownerId", "o");
        model.put("name", "n");
        model.put("library", new GenericData.EnumSymbol(before.getField("library").schema(), "ONNX"));
        model.put("fileType", new GenericData.EnumSymbol(before.getField("fileType").schema(), "ONNX"));
        model.put("versions", List.of(version));
        model.put("createdAt", 0L);
        model.put("updatedAt", 0L);

        ModelSettings read = readAsCurrent(before, model, ModelSettings.getClassSchema());
        RoutingRules routing = read.getVersions().get(0).getRouting();
        assertThat(routing.getModalities()).isEmpty();
        assertThat(routing.getSopClassUids()).isEmpty();
        assertThat(routing.getBodyPartsExamined()).isEmpty();
        assertThat(routing.getSeriesDescriptionPattern()).isNull();
        assertThat(read.getVersions().get(0).getExportResults()).as("an old version does not ask for export").isFalse();
    }

    @Test
    void shouldBuildAVersionWithoutRoutingAsTakingEveryImage() {
        ModelVersion v = ModelVersion.newBuilder().setVersion(1).setRuntime(RuntimeKind.ONNX).setScope(Scope.SERIES)
                .setBatching(Batching.newBuilder().setMaxBatchSize(1).setMaxQueueDelayMs(0).build()).setCreatedAt(Instant.EPOCH)
                .build();
        assertThat(v.getRouting()).isInstanceOf(RoutingRules.class);
        assertThat(v.getRouting().getModalities()).isEmpty();
        assertThat(v.getRouting().getSeriesDescriptionPattern()).isNull();
        DataUploaded d = DataUploaded.newBuilder().setSeriesInstanceUid("1").setSopInstanceUid("2")
                .setContent(ContentRef.newBuilder().setUri("file:///x").setSizeBytes(1).setSha256(null).build()).build();
        assertThat(d.getHasPixelData()).isNull();
        ModelSettings.newBuilder().setModelId("m").setProjectId("p").setOwnerId("o").setName("n").setLibrary(ModelLibrary.ONNX)
                .setFileType(ModelFileType.ONNX).setVersions(List.of(v)).setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
    }

    @SuppressWarnings("unchecked")
    private static <T> T readAsCurrent(Schema writer, GenericRecord record, Schema reader) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return (T) new SpecificDatumReader<>(writer, reader).read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }
}
