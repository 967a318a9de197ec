package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.devstack.EmbeddedSchemaRegistry;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.KafkaProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos soak: the trigger and two workers as separate processes, SIGKILLed in turn (a worker, the
 * trigger, the other worker, ...) and started again while jobs of every scope go through; an
 * independent {@code read_committed} reader then finds every job's predictions exactly once and
 * nothing lost. The studies are uploaded in waves, one more than there are kills: each kill lands
 * once a quarter of its wave's jobs are done, so it always hits work in flight.
 *
 * <p>The suite runs it test-sized (1,008 jobs, 6 kills); the full size is a switch:
 * {@code -Dradflow.soak.studies=2520 -Dradflow.soak.kills=20} (10,080 jobs, 20 kills). Either way
 * it logs its figures: jobs, kills, lost, duplicated, time.
 */
class ChaosSoakIT {

    private static final Logger log = LoggerFactory.getLogger(ChaosSoakIT.class);
    /** Two instances a study, one series: four jobs a study. */
    private static final int STUDIES = Integer.getInteger("radflow.soak.studies", 252);
    private static final int KILLS = Integer.getInteger("radflow.soak.kills", 6);
    private static final List<String> VICTIMS = List.of("worker-1", "trigger", "worker-2");

    @TempDir
    Path work;

    @Test
    void shouldDeliverEveryJobsPredictionsExactlyOnceWhileWorkersAndTheTriggerAreKilled() throws Exception {
        int waves = KILLS + 1;
        int studiesPerWave = STUDIES / waves;
        List<LoadStudies> wave = new ArrayList<>();
        for (int w = 0; w < waves; w++) {
            wave.add(LoadStudies.generate(work.resolve("studies").resolve("wave-" + w), studiesPerWave, 2));
        }
        LoadStudies all = LoadStudies.combined(work.resolve("studies"), wave);
        int expectedJobs = 4 * all.studies().size();
        String project = "chaos-soak-" + UUID.randomUUID().toString().substring(0, 8);
        try (EmbeddedSchemaRegistry schemaRegistry = EmbeddedSchemaRegistry.start(0);
             KafkaProcessCluster kafka = KafkaProcessCluster.start(work.resolve("kafka"), 1);
             ClusterPipeline pipeline = new ClusterPipeline(work, kafka.bootstrapServers(), schemaRegistry.confluentApiUrl())) {
            pipeline.createTopics(1);
            pipeline.startServices(Duration.ofSeconds(10));
            Map<String, Scope> models = pipeline.registerClassifiers(project);
            long start = System.nanoTime();
            List<LauncherProcess> uploads = new ArrayList<>();
            try (PipelineAudit audit = new PipelineAudit(kafka.bootstrapServers(), pipeline.serdes(), project, models, all)) {
                for (int w = 0; w < waves; w++) {
                    uploads.add(pipeline.upload(project, "soak", wave.get(w).dir()));
                    if (w == KILLS) {
                        break; // the last wave runs undisturbed to its end
                    }
                    int inFlight = 4 * studiesPerWave * w + studiesPerWave; // a quarter of this wave's jobs done
                    long giveUp = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                    while (audit.jobsDone() < inFlight && System.nanoTime() < giveUp) {
                        audit.poll(Duration.ofMillis(500));
                    }
                    String victim = VICTIMS.get(w % VICTIMS.size());
                    log.info("kill {} of {}: {} jobsDone={}", w + 1, KILLS, victim, audit.jobsDone());
                    pipeline.kill(victim);
                    pipeline.restart(victim);
                }
                for (LauncherProcess upload : uploads) {
                    try (upload) {
                        assertThat(upload.waitFor(Duration.ofMinutes(10))).as(String.join("\n", upload.stderr())).isZero();
                    }
                }
                PipelineAudit.Report report = audit.awaitComplete(Duration.ofMinutes(10), Duration.ofSeconds(10));
                long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
                log.info("chaos soak: jobs={} kills={} lost={} duplicated={} seconds={} ({})", report.jobs(), KILLS, report.lost(),
                        report.duplicated(), seconds, report);
                assertThat(report.jobs()).as("jobs of every scope").isGreaterThanOrEqualTo(expectedJobs);
                assertThat(report.exactlyOnce()).as(report.toString()).isTrue();
            } finally {
                uploads.forEach(LauncherProcess::close);
            }
        }
    }
}
