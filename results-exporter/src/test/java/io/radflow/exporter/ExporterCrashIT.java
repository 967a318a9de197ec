package io.radflow.exporter;

import static io.radflow.exporter.ExportFixtures.mask;
import static io.radflow.exporter.ExportFixtures.prediction;
import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.ResultsExported;
import io.radflow.testsupport.ChildJvm;
import io.radflow.testsupport.OrthancServer;
import io.radflow.testsupport.TopicReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs an exporter process in the middle of a run of jobs, restarts Orthanc, starts another
 * exporter with the same id, and checks that every job was exported once (one committed
 * results-exported record each) and that Orthanc holds exactly one SEG per job in the model
 * version's series: nothing lost, nothing stored twice.
 */
class ExporterCrashIT {

    static final int JOBS = 30;

    @TempDir
    Path dir;

    final List<ChildJvm> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(ChildJvm::close);
    }

    private ChildJvm start(Path config) throws IOException {
        ChildJvm exporter = ChildJvm.start(dir, ExporterProcessMain.class, config.toString());
        processes.add(exporter);
        return exporter;
    }

    @Test
    void shouldExportEveryJobOnceAcrossAKillAndAnOrthancRestart() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (OrthancServer orthanc = OrthancServer.start(2); ExporterFixture fixture = new ExporterFixture(dir)) {
            Files.writeString(fixture.secretsDir.resolve("orthanc"), "Basic " + Base64.getEncoder()
                    .encodeToString(OrthancServer.basicAuth().getBytes(StandardCharsets.UTF_8)));
            String model = "crash-model-" + run;
            String project = "crash-" + run;
            fixture.exportingModel(model, project);
            fixture.project(project, ExporterFixture.stow(orthanc.url() + "/dicom-web", "orthanc"));
            Path config = dir.resolve("exporter.properties");
            Properties props = new Properties();
            props.putAll(fixture.settings("exporter-crash-" + run, Map.of(ExporterConfig.RETRY_MAX_ATTEMPTS.name(), "50",
                    ExporterConfig.RETRY_MAX_BACKOFF.name(), "1s")));
            try (Writer w = Files.newBufferedWriter(config)) {
                props.store(w, "crash test exporter");
            }

            ChildJvm first = start(config);
            first.awaitLine("ASSIGNED");

            JobInstance ct = fixture.instance(ExportFixtures.CT);
            SourceImage ctImage = ExportFixtures.source(ExportFixtures.CT);
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                String jobId = "crash-job-" + run + "-" + i;
                int seed = i;
                jobs.add(jobId);
                fixture.finishedJob(project, model, ct, List.of(prediction(jobId, 0, ctImage, 0, 1,
                        mask(128, 128, p -> (p + seed) % 5 == 0), null)));
            }
            Set<String> ids = Set.copyOf(jobs);

            try (TopicReader<String, ResultsExported> reader = fixture.exportedReader()) {
                List<ConsumerRecord<String, ResultsExported>> before = reader.readUntil(r -> r.stream().anyMatch(x -> ids.contains(x.key())),
                        Duration.ofMinutes(2));
                first.kill();
                assertThat(before.stream().filter(x -> ids.contains(x.key()))).as("exports before the kill").isNotEmpty();
            }
            long committedBeforeKill;
            try (TopicReader<String, ResultsExported> reader = fixture.exportedReader()) {
                committedBeforeKill = reader.readUntil(r -> false, Duration.ofSeconds(2)).stream().filter(x -> ids.contains(x.key())).count();
            }
            assertThat(committedBeforeKill).as("jobs committed when the exporter was killed: the kill must land mid-run").isLessThan(JOBS);

            orthanc.restart();
            ChildJvm second = start(config);
            second.awaitLine("ASSIGNED");
            List<ConsumerRecord<String, ResultsExported>> all;
            try (TopicReader<String, ResultsExported> reader = fixture.exportedReader()) {
                reader.readUntil(r -> r.stream().filter(x -> ids.contains(x.key())).map(ConsumerRecord::key).distinct().count() == JOBS,
                        Duration.ofMinutes(3));
            }
            try (TopicReader<String, ResultsExported> reader = fixture.exportedReader()) {
                all = reader.readUntil(r -> false, Duration.ofSeconds(3)).stream().filter(x -> ids.contains(x.key())).toList();
            }
            assertThat(second.stop()).as("graceful stop on SIGTERM").isTrue();

            Map<String, Long> perJob = all.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            assertThat(perJob.keySet()).as("every job exported").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(perJob.values()).as("one committed results-exported per job").allMatch(n -> n == 1);
            String series = all.get(0).value().getObjects().get(0).getSeriesInstanceUid();
            assertThat(all).allMatch(r -> r.value().getObjects().get(0).getSeriesInstanceUid().equals(series));
            assertThat(OrthancLookups.instancesInSeries(orthanc, series)).as("SEG instances in Orthanc: one per job").isEqualTo(JOBS);
        }
    }
}
