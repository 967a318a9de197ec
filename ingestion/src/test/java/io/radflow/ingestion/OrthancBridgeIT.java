package io.radflow.ingestion;

import static io.radflow.ingestion.IngestionTestSupport.DICOMDIR_TESTS;
import static io.radflow.ingestion.IngestionTestSupport.PYDICOM_FILES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.config.RadflowConfig;
import io.radflow.content.ContentReaderFactory;
import io.radflow.content.ContentReaders;
import io.radflow.content.DicomWebContentReader;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.SopClasses;
import io.radflow.schemas.avro.CompletionLevel;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.UploadCompleted;
import io.radflow.testsupport.OrthancServer;
import io.radflow.testsupport.TestStack;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Orthanc bridge against a real Orthanc (started by the test on loopback) and the real
 * broker: files sent in by REST and by C-STORE come out as events; restarting Orthanc, the bridge
 * and Kafka mid-stream loses and duplicates nothing.
 */
class OrthancBridgeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final String project = "bridge-it-" + UUID.randomUUID();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private OrthancServer orthanc() throws IOException {
        OrthancServer server = OrthancServer.start(1);
        resources.add(server);
        return server;
    }

    private RadflowConfig config(URI orthanc, String auth) {
        return TestStack.get().config(OrthancBridgeConfig.DEFINITION.and(ContentReaderFactory.DEFINITION), Map.of(
                "orthanc.url", orthanc.toString(), "orthanc.basic.auth", auth, "orthanc.bridge.project", project,
                "orthanc.bridge.poll.interval", "200ms", "orthanc.bridge.batch.size", "4", "content.http.timeout", "10s"));
    }

    private OrthancBridge bridge(RadflowConfig config) {
        OrthancBridge bridge = OrthancBridge.create(config, registry);
        resources.add(bridge);
        bridge.start();
        return bridge;
    }

    private static List<Path> files(Path... folders) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path f : folders) {
            try (Stream<Path> s = Files.walk(f)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static Map<String, DicomAttributes> attributesBySop(List<Path> files) {
        Map<String, DicomAttributes> out = new HashMap<>();
        files.forEach(f -> {
            DicomAttributes a = DicomReader.headerOnly().read(f).attributes();
            out.put(a.sopInstanceUid(), a);
        });
        return out;
    }

    private List<ConsumerRecord<String, DatasetUploadEvent>> events(Predicate<List<DatasetUploadEvent>> done) {
        return IngestionTestSupport.read(project, done, TIMEOUT);
    }

    private static Set<String> sops(List<DatasetUploadEvent> events) {
        return IngestionTestSupport.instances(events).stream().map(DataUploaded::getSopInstanceUid).collect(Collectors.toSet());
    }

    private static int stableStudies(OrthancServer orthanc) throws IOException {
        String changes = orthanc.get("/changes?since=0&limit=1000").body();
        return changes.split("\"StableStudy\"", -1).length - 1;
    }

    @Test
    void shouldPublishWhatOrthancReceivesByRestAndCStoreWithStableMarkersAndFetchableContent() throws Exception {
        OrthancServer orthanc = orthanc();
        List<Path> byRest = files(DICOMDIR_TESTS.resolve("98892001/CT2N"));
        List<Path> byCStore = files(DICOMDIR_TESTS.resolve("98892001/CT5N"));
        for (Path f : byRest) {
            orthanc.upload(f);
        }
        orthanc.storescu(byCStore);
        RadflowConfig config = config(orthanc.url(), OrthancServer.basicAuth());
        OrthancBridge bridge = bridge(config);

        // 7 instances, a marker per series (2 and 5) and one for the study (7)
        List<ConsumerRecord<String, DatasetUploadEvent>> records = events(e -> e.size() >= 10);
        List<DatasetUploadEvent> events = records.stream().map(ConsumerRecord::value).toList();
        List<Path> all = new ArrayList<>(byRest);
        all.addAll(byCStore);
        Map<String, DicomAttributes> expected = attributesBySop(all);
        assertThat(sops(events)).isEqualTo(expected.keySet());
        assertThat(events).hasSize(10);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getSource()).isEqualTo("orthanc-bridge");
            assertThat(e.getDatasetId()).isEqualTo("orthanc");
        });
        for (DataUploaded d : IngestionTestSupport.instances(events)) {
            DicomAttributes a = expected.get(d.getSopInstanceUid());
            assertThat(d.getSeriesInstanceUid()).isEqualTo(a.seriesInstanceUid());
            assertThat(d.getModality()).isEqualTo(a.modality());
            assertThat(d.getSopClassUid()).isEqualTo(a.sopClassUid());
            assertThat(d.getInstanceNumber()).isEqualTo(a.instanceNumber());
            assertThat(d.getHasPixelData()).isTrue();
            assertThat(d.getBodyPartExamined()).isEqualTo(a.bodyPartExamined());
            assertThat(d.getSeriesDescription()).isEqualTo(a.seriesDescription());
            assertThat(d.getContent().getUri()).startsWith("orthanc:instances/");
        }
        Map<Integer, Long> markerCounts = IngestionTestSupport.markers(events).stream()
                .collect(Collectors.groupingBy(UploadCompleted::getInstanceCount, Collectors.counting()));
        assertThat(IngestionTestSupport.markers(events)).filteredOn(m -> m.getLevel() == CompletionLevel.SERIES)
                .extracting(UploadCompleted::getInstanceCount).containsExactlyInAnyOrder(2, 5);
        assertThat(IngestionTestSupport.markers(events)).filteredOn(m -> m.getLevel() == CompletionLevel.STUDY)
                .extracting(UploadCompleted::getInstanceCount).containsExactly(7);
        assertThat(markerCounts).isNotEmpty();
        records.forEach(r -> assertThat(r.key()).isEqualTo(r.value().getStudyInstanceUid()));

        // the content URIs the bridge published can be fetched, with Orthanc's credentials, as the worker would
        ContentReaders readers = ContentReaderFactory.create(TestStack.get().config(ContentReaderFactory.DEFINITION
                .and(io.radflow.common.config.CommonConfig.DEFINITION), Map.of("orthanc.url", orthanc.url().toString(),
                "orthanc.basic.auth", OrthancServer.basicAuth(), "dicomweb.url", orthanc.url() + "/dicom-web",
                "dicomweb.basic.auth", OrthancServer.basicAuth())));
        Map<String, Path> fileBySop = new HashMap<>();
        all.forEach(f -> fileBySop.put(DicomReader.headerOnly().read(f).attributes().sopInstanceUid(), f));
        for (DataUploaded d : IngestionTestSupport.instances(events)) {
            // Orthanc rewrites the preamble and file meta it stores, so compare what matters: the instance and its pixels
            DicomFile original = DicomReader.standard().read(fileBySop.get(d.getSopInstanceUid()));
            byte[] fetched = readers.read(URI.create(d.getContent().getUri()), 10 << 20);
            assertThat(fetched).hasSize((int) d.getContent().getSizeBytes());
            assertSameInstance(DicomReader.standard().read(fetched), original);
            URI wado = DicomWebContentReader.instanceUri(URI.create(orthanc.url() + "/dicom-web"),
                    expected.get(d.getSopInstanceUid()).studyInstanceUid(), d.getSeriesInstanceUid(), d.getSopInstanceUid());
            assertSameInstance(DicomReader.standard().read(readers.read(wado, 10 << 20)), original);
        }
        assertThat(bridge.healthy()).isTrue();
    }

    private static void assertSameInstance(DicomFile fetched, DicomFile original) {
        assertThat(fetched.attributes()).isEqualTo(original.attributes());
        assertThat(fetched.nativeFrame(0).data()).isEqualTo(original.nativeFrame(0).data());
    }

    @Test
    void shouldLoseAndDuplicateNothingAcrossOrthancBridgeAndKafkaRestarts() throws Exception {
        OrthancServer orthanc = orthanc();
        List<Path> first = files(DICOMDIR_TESTS.resolve("98892003/MR700"), DICOMDIR_TESTS.resolve("98892003/MR1"));
        List<Path> second = files(DICOMDIR_TESTS.resolve("77654033"));
        List<Path> third = files(DICOMDIR_TESTS.resolve("98892003/MR2"), DICOMDIR_TESTS.resolve("98892001"));
        RadflowConfig config = config(orthanc.url(), OrthancServer.basicAuth());

        // 1. the first files by REST; a bridge starts and is stopped mid-stream
        for (Path f : first) {
            orthanc.upload(f);
        }
        OrthancBridge bridge1 = bridge(config);
        await().atMost(TIMEOUT).until(() -> bridge1.committedPosition() > 0);
        bridge1.close();
        long stoppedAt = bridge1.committedPosition();

        // 2. while no bridge runs: Orthanc restarts (after its studies became stable) and receives more by C-STORE
        await().atMost(TIMEOUT).until(() -> stableStudies(orthanc) >= 3);
        orthanc.restart();
        orthanc.storescu(second);
        await().atMost(TIMEOUT).until(() -> stableStudies(orthanc) >= 5);

        // 3. a new bridge resumes; Kafka restarts under it, then Orthanc again, then more files arrive
        OrthancBridge bridge2 = bridge(config);
        await().atMost(TIMEOUT).until(() -> bridge2.committedPosition() > stoppedAt);
        TestStack.get().embeddedKafka().restart();
        orthanc.restart();
        for (Path f : third) {
            orthanc.upload(f);
        }

        List<Path> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(third);
        Map<String, DicomAttributes> expected = attributesBySop(all);
        Map<String, Integer> perSeries = new HashMap<>();
        Map<String, Integer> perStudy = new HashMap<>();
        expected.values().forEach(a -> {
            perSeries.merge(a.seriesInstanceUid(), 1, Integer::sum);
            perStudy.merge(a.studyInstanceUid(), 1, Integer::sum);
        });
        // done when every instance arrived and every series and study has its marker with the full count
        Predicate<List<DatasetUploadEvent>> complete = events -> sops(events).containsAll(expected.keySet())
                && perSeries.entrySet().stream().allMatch(s -> IngestionTestSupport.markers(events).stream().anyMatch(m ->
                        m.getLevel() == CompletionLevel.SERIES && s.getKey().equals(m.getSeriesInstanceUid())
                                && m.getInstanceCount().equals(s.getValue())))
                && perStudy.entrySet().stream().allMatch(s -> events.stream().anyMatch(e -> e.getPayload() instanceof UploadCompleted m
                        && m.getLevel() == CompletionLevel.STUDY && s.getKey().equals(e.getStudyInstanceUid())
                        && m.getInstanceCount().equals(s.getValue())));
        List<DatasetUploadEvent> events = events(complete).stream().map(ConsumerRecord::value).toList();
        assertThat(complete.test(events)).as("every instance and marker arrived").isTrue();

        // nothing duplicated: each instance once, each event id once, each series marker once
        assertThat(IngestionTestSupport.instances(events)).hasSize(expected.size());
        Map<String, List<DatasetUploadEvent>> byId = events.stream().collect(Collectors.groupingBy(DatasetUploadEvent::getEventId));
        assertThat(byId.values()).as("events published more than once").allSatisfy(same -> assertThat(same).hasSize(1));
        assertThat(IngestionTestSupport.markers(events)).filteredOn(m -> m.getLevel() == CompletionLevel.SERIES)
                .hasSize(perSeries.size());
        assertThat(bridge2.healthy()).isTrue();
    }

    @Test
    void shouldRecordWhichInstancesHoldPixelsAsTheFilesSaySoThatReportsPlansAndSegmentationsAreNotImages() throws Exception {
        OrthancServer orthanc = orthanc();
        Map<String, Boolean> imageByFile = Map.of("CT_small.dcm", true, "test-SR.dcm", false, "reportsi.dcm", false,
                "liver_1frame.dcm", false, "rtplan.dcm", false, "rtdose.dcm", false, "waveform_ecg.dcm", false);
        Map<String, DicomFile> fileBySop = new HashMap<>();
        Map<String, String> nameBySop = new HashMap<>();
        for (String name : imageByFile.keySet()) {
            DicomFile f = DicomReader.headerOnly().read(PYDICOM_FILES.resolve(name));
            fileBySop.put(f.attributes().sopInstanceUid(), f);
            nameBySop.put(f.attributes().sopInstanceUid(), name);
            orthanc.upload(PYDICOM_FILES.resolve(name));
        }
        bridge(config(orthanc.url(), OrthancServer.basicAuth()));

        List<DatasetUploadEvent> events = events(e -> sops(e).size() >= imageByFile.size()).stream().map(ConsumerRecord::value).toList();
        assertThat(sops(events)).isEqualTo(fileBySop.keySet());
        for (DataUploaded d : IngestionTestSupport.instances(events)) {
            DicomFile f = fileBySop.get(d.getSopInstanceUid());
            String name = nameBySop.get(d.getSopInstanceUid());
            assertThat(d.getHasPixelData()).as("hasPixelData of %s", name).isEqualTo(f.containsPixelData());
            assertThat(d.getSopClassUid()).as(name).isEqualTo(f.attributes().sopClassUid());
            assertThat(d.getModality()).as(name).isEqualTo(f.attributes().modality());
            assertThat(d.getNumberOfFrames()).as(name).isEqualTo(f.numberOfFrames());
            assertThat(d.getBodyPartExamined()).as(name).isEqualTo(f.attributes().bodyPartExamined());
            assertThat(d.getSeriesDescription()).as(name).isEqualTo(f.attributes().seriesDescription());
            assertThat(SopClasses.isImage(d.getSopClassUid(), d.getHasPixelData())).as("%s is an image", name)
                    .isEqualTo(imageByFile.get(name));
        }
        Map<String, Boolean> pixelsByFile = IngestionTestSupport.instances(events).stream()
                .collect(Collectors.toMap(d -> nameBySop.get(d.getSopInstanceUid()), DataUploaded::getHasPixelData));
        assertThat(pixelsByFile).containsEntry("test-SR.dcm", false).containsEntry("reportsi.dcm", false)
                .containsEntry("rtplan.dcm", false).containsEntry("waveform_ecg.dcm", false)
                .containsEntry("liver_1frame.dcm", true).containsEntry("rtdose.dcm", true).containsEntry("CT_small.dcm", true);
    }

    @Test
    void shouldKeepRetryingWhileOrthancIsUnreachableAndCatchUpWhenItComesUp() throws Exception {
        int port = OrthancServer.freePort();
        OrthancBridge bridge = bridge(config(URI.create("http://127.0.0.1:" + port), OrthancServer.basicAuth()));
        await().atMost(TIMEOUT).until(() -> registry.find(IngestionMetrics.BRIDGE_FAILURES).tag("kind", "orthanc").counter() != null
                && registry.find(IngestionMetrics.BRIDGE_FAILURES).tag("kind", "orthanc").counter().count() >= 2);
        assertThat(bridge.healthy()).isFalse();

        OrthancServer orthanc = OrthancServer.start(1, port);
        resources.add(orthanc);
        orthanc.upload(PYDICOM_FILES.resolve("CT_small.dcm"));
        List<DatasetUploadEvent> events = events(e -> sops(e).size() == 1).stream().map(ConsumerRecord::value).toList();
        assertThat(sops(events)).containsExactly("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322");
        await().atMost(TIMEOUT).until(bridge::healthy);
    }

    @Test
    void shouldPublishNothingWithWrongCredentials() throws Exception {
        OrthancServer orthanc = orthanc();
        orthanc.upload(PYDICOM_FILES.resolve("CT_small.dcm"));
        OrthancBridge bridge = bridge(config(orthanc.url(), OrthancServer.USER + ":wrong"));
        await().atMost(TIMEOUT).until(() -> registry.find(IngestionMetrics.BRIDGE_FAILURES).counter() != null
                && registry.find(IngestionMetrics.BRIDGE_FAILURES).counter().count() >= 2);
        assertThat(bridge.healthy()).isFalse();
        assertThat(bridge.committedPosition()).isEqualTo(0);
        assertThat(IngestionTestSupport.read(project, e -> false, Duration.ofSeconds(2))).isEmpty();
    }
}
