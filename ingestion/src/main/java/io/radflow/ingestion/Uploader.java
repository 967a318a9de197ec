package io.radflow.ingestion;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;
import io.radflow.content.ContentStore;
import io.radflow.content.StoredContent;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import io.radflow.ingestion.IngestionMetrics.Outcome;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DatasetUploadEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads files and folders: each DICOM instance is read (and so checked), stored in the content
 * store, and announced on {@code dataset-uploads} keyed by its study; then one upload-completed
 * marker per series and per study carries the instance counts. Files are visited in sorted order
 * and event ids are deterministic, so uploading the same files again publishes the same ids.
 * Non-DICOM files are skipped with a warning; unreadable DICOM files are skipped and reported.
 */
public final class Uploader {

    private static final Logger log = LoggerFactory.getLogger(Uploader.class);

    /** Told about each file as it is handled, for a progress bar. */
    public interface Progress {
        void start(int files);

        void done(Path file);

        Progress NONE = new Progress() {
            @Override
            public void start(int files) {
            }

            @Override
            public void done(Path file) {
            }
        };
    }

    private final Producer<String, SpecificRecord> producer;
    private final ContentStore store;
    private final UploadEvents events;
    private final IngestionMetrics metrics;

    public Uploader(Producer<String, SpecificRecord> producer, ContentStore store, UploadEvents events, IngestionMetrics metrics) {
        this.producer = producer;
        this.store = store;
        this.events = events;
        this.metrics = metrics;
    }

    /** Every regular file under the paths, sorted; fails naming a path that does not exist. */
    public static List<Path> files(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new RadflowException(Reason.BAD_CONFIG, "no such file or directory: " + p);
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                } catch (IOException | UncheckedIOException e) {
                    throw new RadflowException(Reason.BAD_CONFIG, "cannot list " + p + ": " + e.getMessage(), e);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    /** Uploads the files, waits until Kafka has acknowledged every event, and says what happened. */
    public UploadSummary upload(List<Path> files, Progress progress) {
        progress.start(files.size());
        Map<String, Map<String, Integer>> countsByStudy = new TreeMap<>();
        Map<String, Path> seen = new HashMap<>();
        List<String> problems = new ArrayList<>();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        int instances = 0;
        int notDicom = 0;
        int unreadable = 0;
        int notInstances = 0;
        int duplicates = 0;
        for (Path file : files) {
            try {
                DicomFile dicom;
                try {
                    dicom = DicomReader.standard().read(file);
                } catch (DicomReadException e) {
                    if (e.problem() == DicomReadException.Problem.NOT_DICOM) {
                        notDicom++;
                        metrics.instance(Outcome.NOT_DICOM);
                        log.warn("skipping non-DICOM file file={}", file);
                    } else {
                        unreadable++;
                        metrics.instance(Outcome.UNREADABLE);
                        problems.add(file + ": " + e.getMessage());
                        log.warn("skipping unreadable DICOM file file={} problem={} error=\"{}\"", file, e.problem(), e.getMessage());
                    }
                    continue;
                }
                if (!dicom.attributes().identifiesInstance()) {
                    notInstances++;
                    metrics.instance(Outcome.NOT_AN_INSTANCE);
                    log.warn("skipping DICOM file without Study, Series and SOP Instance UIDs (a DICOMDIR?) file={}", file);
                    continue;
                }
                InstanceInfo info = InstanceInfo.of(dicom);
                Path first = seen.putIfAbsent(info.sopInstanceUid(), file);
                if (first != null) {
                    duplicates++;
                    metrics.instance(Outcome.DUPLICATE);
                    log.warn("skipping second copy of an instance file={} firstFile={} sopInstanceUid={}", file, first, info.sopInstanceUid());
                    continue;
                }
                StoredContent stored = store.put(file);
                ContentRef content = ContentRef.newBuilder().setUri(stored.uri().toString()).setContentType("application/dicom")
                        .setSizeBytes(stored.sizeBytes()).setSha256(stored.sha256()).build();
                send(events.instance(info, content, stored.sha256()), sendFailure);
                countsByStudy.computeIfAbsent(info.studyInstanceUid(), s -> new TreeMap<>())
                        .merge(info.seriesInstanceUid(), 1, Integer::sum);
                instances++;
                metrics.instance(Outcome.PUBLISHED);
            } finally {
                progress.done(file);
            }
        }
        int markers = 0;
        int series = 0;
        for (Map.Entry<String, Map<String, Integer>> study : countsByStudy.entrySet()) {
            int studyCount = 0;
            for (Map.Entry<String, Integer> s : study.getValue().entrySet()) {
                send(events.seriesCompleted(study.getKey(), s.getKey(), s.getValue()), sendFailure);
                metrics.marker("series");
                studyCount += s.getValue();
                series++;
                markers++;
            }
            send(events.studyCompleted(study.getKey(), studyCount), sendFailure);
            metrics.marker("study");
            markers++;
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new RadflowException(Reason.INTERNAL, "publishing to " + TopicCatalog.DATASET_UPLOADS.name() + " failed: "
                    + sendFailure.get().getMessage() + " (running the upload again is safe: event ids are deterministic)", sendFailure.get());
        }
        return new UploadSummary(instances, series, countsByStudy.size(), markers, notDicom, unreadable, notInstances, duplicates, problems);
    }

    private void send(DatasetUploadEvent event, AtomicReference<Exception> failure) {
        if (failure.get() != null) {
            return; // Kafka already failed: stop sending, report once
        }
        producer.send(new ProducerRecord<>(TopicCatalog.DATASET_UPLOADS.name(), event.getStudyInstanceUid(), event), (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }
}
