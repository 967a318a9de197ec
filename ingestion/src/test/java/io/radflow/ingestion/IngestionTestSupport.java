package io.radflow.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.UploadCompleted;
import io.radflow.testsupport.TestStack;
import io.radflow.testsupport.TopicReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Shared by the ingestion tests: pydicom as the oracle, and reading what a project published. */
final class IngestionTestSupport {

    static final Path PYDICOM_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    static final Path DICOMDIR_TESTS = PYDICOM_FILES.resolve("dicomdirtests");

    private IngestionTestSupport() {
    }

    /** {study: {series: {sop: {modality, sopClassUid, instanceNumber}}}} as pydicom reads the folder. */
    static JsonNode pydicomStructure(Path folder) throws IOException, InterruptedException {
        Path script = Files.createTempFile("pydicom_structure", ".py");
        try (InputStream in = IngestionTestSupport.class.getResourceAsStream("/pydicom_structure.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), folder.toString()).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pydicom_structure.py failed (needs python3-pydicom): " + err);
            }
            return new ObjectMapper().readTree(out);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    static TopicSerdes serdes() {
        return new TopicSerdes(new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(TestStack.get().schemaRegistryUrl()))),
                true);
    }

    /** Reads dataset-uploads (read_committed) until the project's events satisfy {@code done}; returns them in offset order per partition. */
    static List<ConsumerRecord<String, DatasetUploadEvent>> read(String project, Predicate<List<DatasetUploadEvent>> done,
                                                                 Duration timeout) {
        try (TopicReader<String, DatasetUploadEvent> reader = new TopicReader<>(TestStack.get().bootstrapServers(),
                TopicCatalog.DATASET_UPLOADS.name(), new StringDeserializer(), serdes().valueDeserializer(TopicCatalog.DATASET_UPLOADS))) {
            return ofProject(reader.readUntil(records -> done.test(ofProject(records, project).stream().map(ConsumerRecord::value).toList()),
                    timeout), project);
        }
    }

    static List<ConsumerRecord<String, DatasetUploadEvent>> ofProject(List<ConsumerRecord<String, DatasetUploadEvent>> records, String project) {
        return records.stream().filter(r -> r.value() != null && project.equals(r.value().getProjectId())).toList();
    }

    static List<DataUploaded> instances(List<DatasetUploadEvent> events) {
        return events.stream().filter(e -> e.getPayload() instanceof DataUploaded).map(e -> (DataUploaded) e.getPayload()).toList();
    }

    static List<UploadCompleted> markers(List<DatasetUploadEvent> events) {
        return events.stream().filter(e -> e.getPayload() instanceof UploadCompleted).map(e -> (UploadCompleted) e.getPayload()).toList();
    }
}
