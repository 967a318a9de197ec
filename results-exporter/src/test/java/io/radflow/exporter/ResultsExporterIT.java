package io.radflow.exporter;

import static io.radflow.exporter.ExportFixtures.mask;
import static io.radflow.exporter.ExportFixtures.prediction;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.ResultsExported;
import io.radflow.schemas.jobs.JobIds;
import io.radflow.testsupport.OrthancServer;
import io.radflow.testsupport.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter on the real embedded broker and schema registry, storing into a real Orthanc by
 * STOW-RS: objects round-trip with their attributes and pixels, a redelivered job stores nothing
 * twice, and bad destinations (401, unreachable, an object refused) dead-letter their jobs with a
 * clear reason while other projects' exports go on.
 */
class ResultsExporterIT {

    @TempDir
    static Path dir;

    static OrthancServer orthanc;
    static ExporterFixture fixture;
    static ResultsExporter exporter;
    static String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() throws Exception {
        orthanc = OrthancServer.start(2);
        fixture = new ExporterFixture(dir);
        Files.writeString(fixture.secretsDir.resolve("orthanc"), "Basic " + Base64.getEncoder()
                .encodeToString(OrthancServer.basicAuth().getBytes(StandardCharsets.UTF_8)));
        Files.writeString(fixture.secretsDir.resolve("wrong"), "Basic " + Base64.getEncoder()
                .encodeToString("radflow:nope".getBytes(StandardCharsets.UTF_8)));
        String dicomWeb = orthanc.url() + "/dicom-web";
        fixture.exportingModel("model-" + run, "p-good-" + run);
        fixture.project("p-good-" + run, ExporterFixture.stow(dicomWeb, "orthanc"));
        fixture.project("p-401-" + run, ExporterFixture.stow(dicomWeb, "wrong"));
        fixture.project("p-down-" + run, ExporterFixture.stow("http://127.0.0.1:" + OrthancServer.freePort() + "/dicom-web", "orthanc"));
        fixture.project("p-refuses-" + run, ExporterFixture.stow(dicomWeb, "orthanc"));
        fixture.model("quiet-" + run, "p-good-" + run, false);
        exporter = new ResultsExporter(fixture.config("exporter-it-" + run, Map.of(ExporterConfig.JOB_WAIT.name(), "5s")));
        exporter.start();
    }

    @AfterAll
    static void stop() {
        if (exporter != null) {
            exporter.close();
        }
        if (fixture != null) {
            fixture.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @Test
    void shouldStoreSegAndSrInOrthancOnceEvenWhenTheJobIsRedeliveredWhileBadDestinationsAreDeadLettered() throws Exception {
        String model = "model-" + run;
        JobInstance ct = fixture.instance(ExportFixtures.CT);
        SourceImage ctImage = ExportFixtures.source(ExportFixtures.CT);
        Mask mask = mask(128, 128, i -> i % 128 > 40 && i / 128 > 50 && i / 128 < 70);

        // Bad destinations first: they must not hold up the good project behind them.
        String job401 = "job-401-" + run;
        fixture.finishedJob("p-401-" + run, model, ct, List.of(prediction(job401, 0, ctImage, 0, 2, new BoundingBox(1.0, 2.0, 3.0, 4.0), 0.5)));
        String jobDown = "job-down-" + run;
        fixture.finishedJob("p-down-" + run, model, ct, List.of(prediction(jobDown, 0, ctImage, 0, 2, new BoundingBox(1.0, 2.0, 3.0, 4.0), 0.5)));
        String jobRefused = "job-refused-" + run;
        // A model DICOM output whose pixel data is cut short: its header reads, but Orthanc refuses the object.
        fixture.finishedJob("p-refuses-" + run, model, ct, List.of(ExporterFixture.dicomOutput(jobRefused, 0, ctImage,
                fixture.content(DicomChecks.PYDICOM_FILES.resolve("MR_truncated.dcm")))));

        String jobGood = "job-good-" + run;
        List<Prediction> good = List.of(prediction(jobGood, 0, ctImage, 0, 1, mask, null),
                prediction(jobGood, 1, ctImage, 0, 2, new BoundingBox(10.0, 20.0, 30.0, 40.0), 0.75));
        fixture.finishedJob("p-good-" + run, model, ct, good);

        ResultsExported exported;
        try (TopicReader<String, ResultsExported> reader = fixture.exportedReader()) {
            exported = forJob(reader.readUntil(r -> forJob(r, jobGood) != null, Duration.ofSeconds(60)), jobGood);
        }
        assertThat(exported).as("results-exported for the good job").isNotNull();
        assertThat(exported.getDestination()).startsWith("STOW_RS " + orthanc.url());
        assertThat(exported.getObjects()).extracting(o -> o.getKind()).containsExactly("SEG", "SR");
        String segUid = exported.getObjects().get(0).getSopInstanceUid();
        String segSeries = exported.getObjects().get(0).getSeriesInstanceUid();
        String srSeries = exported.getObjects().get(1).getSeriesInstanceUid();
        assertThat(segUid).isEqualTo(ExportUids.instance(jobGood, "SEG"));

        // Fetched back from Orthanc: the same UIDs, patient, and the mask pixel by pixel.
        Path fetched = dir.resolve("fetched-seg.dcm");
        Files.write(fetched, OrthancLookups.instanceFile(orthanc, segUid));
        assertThat(DicomChecks.dciodvfyErrors(fetched)).isEmpty();
        JsonNode seg = DicomChecks.pydicom(fetched);
        assertThat(seg.path("SOPInstanceUID").asText()).isEqualTo(segUid);
        assertThat(seg.path("StudyInstanceUID").asText()).isEqualTo(ctImage.studyInstanceUid());
        assertThat(seg.path("PatientID").asText()).isEqualTo(ctImage.string(com.pixelmed.dicom.TagFromName.PatientID));
        SegmentationBuilderTest.assertFrame(seg.path("frames").get(0), 1, ctImage.sopInstanceUid(), mask);
        assertThat(OrthancLookups.instancesInSeries(orthanc, segSeries)).isEqualTo(1);
        assertThat(OrthancLookups.instancesInSeries(orthanc, srSeries)).isEqualTo(1);

        // Redelivery: the same job's records again. It is exported again and replaces, never duplicates.
        fixture.finishedJob("p-good-" + run, model, ct, good);
        try (TopicReader<String, ResultsExported> reader = fixture.exportedReader()) {
            List<ConsumerRecord<String, ResultsExported>> all = reader.readUntil(
                    r -> r.stream().filter(x -> x.key().equals(jobGood)).count() >= 2, Duration.ofSeconds(60));
            assertThat(all.stream().filter(x -> x.key().equals(jobGood)).count()).isEqualTo(2);
        }
        assertThat(OrthancLookups.instancesInSeries(orthanc, segSeries)).as("SEG series after redelivery").isEqualTo(1);
        assertThat(OrthancLookups.instancesInSeries(orthanc, srSeries)).as("SR series after redelivery").isEqualTo(1);

        try (TopicReader<String, JobFailure> reader = fixture.deadLetterReader()) {
            List<ConsumerRecord<String, JobFailure>> dlq = reader.readUntil(r -> dead(r, job401) != null && dead(r, jobDown) != null
                    && dead(r, jobRefused) != null, Duration.ofSeconds(60));
            JobFailure unauthorized = dead(dlq, job401);
            assertThat(unauthorized.getReason()).isEqualTo("DESTINATION_UNAUTHORIZED");
            assertThat(unauthorized.getMessage()).contains("refused the credentials (HTTP 401)");
            assertThat(unauthorized.getAttempts()).isEqualTo(1);
            JobFailure down = dead(dlq, jobDown);
            assertThat(down.getReason()).isEqualTo("DESTINATION_UNAVAILABLE");
            assertThat(down.getRetriable()).isTrue();
            assertThat(down.getAttempts()).as("retried with backoff up to exporter.retry.max.attempts").isEqualTo(3);
            assertThat(down.getMessage()).contains("cannot reach the STOW-RS server");
            JobFailure refused = dead(dlq, jobRefused);
            assertThat(refused.getReason()).isEqualTo("DESTINATION_REJECTED");
            assertThat(refused.getMessage()).contains("refused the objects with HTTP 400");
            assertThat(dlq.stream().filter(r -> r.key().equals(jobGood)).count()).isZero();
        }
    }

    @Test
    void shouldDeadLetterBadAndIncompleteJobsAndLeaveVersionsThatDoNotExport() throws Exception {
        JobInstance ct = fixture.instance(ExportFixtures.CT);
        SourceImage ctImage = ExportFixtures.source(ExportFixtures.CT);
        String quiet = "job-quiet-" + run;
        fixture.finishedJob("p-good-" + run, "quiet-" + run, ct, List.of(prediction(quiet, 0, ctImage, 0, 2,
                new BoundingBox(1.0, 2.0, 3.0, 4.0), 0.5)));
        String badMask = "job-bad-mask-" + run;
        fixture.finishedJob("p-good-" + run, "model-" + run, ct, List.of(prediction(badMask, 0, ctImage, 0, 1, mask(64, 64, i -> true), null)));
        String incomplete = "job-incomplete-" + run;
        fixture.finishedJob("p-good-" + run, "model-" + run, ct, List.of(prediction(incomplete, 0, ctImage, 0, 2,
                new BoundingBox(1.0, 2.0, 3.0, 4.0), 0.5)), 2);
        String predict = JobIds.PREDICT_PREFIX + run;
        fixture.finishedJob("p-good-" + run, "model-" + run, ct, List.of(prediction(predict, 0, ctImage, 0, 2,
                new BoundingBox(1.0, 2.0, 3.0, 4.0), 0.5)));
        String marker = "job-marker-" + run;
        fixture.finishedJob("p-good-" + run, "model-" + run, ct, List.of(prediction(marker, 0, ctImage, 0, 2,
                new BoundingBox(1.0, 2.0, 3.0, 4.0), 0.5)));

        try (TopicReader<String, JobFailure> reader = fixture.deadLetterReader()) {
            List<ConsumerRecord<String, JobFailure>> dlq = reader.readUntil(r -> dead(r, badMask) != null && dead(r, incomplete) != null,
                    Duration.ofSeconds(60));
            JobFailure mask = dead(dlq, badMask);
            assertThat(mask.getReason()).isEqualTo("EXPORT_INVALID_RESULT");
            assertThat(mask.getRetriable()).isFalse();
            assertThat(mask.getMessage()).contains("is 64x64 but its source instance").contains("is 128x128");
            JobFailure missing = dead(dlq, incomplete);
            assertThat(missing.getReason()).isEqualTo("EXPORT_INVALID_RESULT");
            assertThat(missing.getMessage()).contains("succeeded but 1 of its 2 predictions did not arrive within 5 s (exporter.job.wait)");
        }
        try (TopicReader<String, ResultsExported> reader = fixture.exportedReader()) {
            List<ConsumerRecord<String, ResultsExported>> exported = reader.readUntil(r -> forJob(r, marker) != null, Duration.ofSeconds(60));
            assertThat(forJob(exported, marker)).as("a later job of the exporting version").isNotNull();
            assertThat(forJob(exported, quiet)).as("a version without exportResults is not exported").isNull();
            assertThat(forJob(exported, badMask)).isNull();
            assertThat(forJob(exported, predict)).as("a synchronous predict call's job answers its caller only").isNull();
        }
    }

    static ResultsExported forJob(List<ConsumerRecord<String, ResultsExported>> records, String jobId) {
        return records.stream().filter(r -> r.key().equals(jobId)).map(ConsumerRecord::value).findFirst().orElse(null);
    }

    static JobFailure dead(List<ConsumerRecord<String, JobFailure>> records, String jobId) {
        return records.stream().filter(r -> r.key().equals(jobId)).map(ConsumerRecord::value).findFirst().orElse(null);
    }
}
