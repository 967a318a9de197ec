package io.radflow.ingestion;

import io.micrometer.core.instrument.MeterRegistry;
import io.radflow.common.config.ConfigException;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.content.RemoteContentConfig;
import io.radflow.ingestion.OrthancClient.Change;
import io.radflow.ingestion.OrthancClient.ChangesPage;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import io.radflow.schemas.avro.DatasetUploadEvent;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Orthanc's {@code /changes} feed and publishes what arrives on {@code dataset-uploads}.
 *
 * <p>Each round reads up to a batch of changes after the cursor, asks Orthanc about them (before
 * any transaction starts, so transactions stay short), then sends the events and the new cursor
 * to {@code ingestion-cursors} in one Kafka transaction. A crash, an Orthanc restart or a broker
 * restart at any point either commits both or neither: the bridge resumes from the committed
 * cursor, so nothing is lost, and what it publishes again was never committed, so nothing is
 * duplicated for {@code read_committed} consumers (the trigger). Event ids are deterministic on
 * top of that. Failures are retried with backoff; the bridge never gives up while it runs.
 */
public final class OrthancBridge implements ManagedService {

    private static final Logger log = LoggerFactory.getLogger(OrthancBridge.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final RadflowConfig config;
    private final String sourceId;
    private final OrthancClient orthanc;
    private final OrthancChanges changes;
    private final IngestionMetrics metrics;
    private final Duration pollInterval;
    private final int batchSize;
    private TopicSerdes serdes;
    private CursorStore cursors;
    private KafkaProducer<String, SpecificRecord> producer;
    private long cursor = -1;
    private boolean transactionOpen;
    private volatile boolean running;
    private volatile boolean healthy;
    private volatile long committed = -1;
    private Thread thread;

    private OrthancBridge(RadflowConfig config, MeterRegistry registry) {
        this.config = config;
        URI url = config.get(RemoteContentConfig.ORTHANC_URL);
        String project = config.get(OrthancBridgeConfig.PROJECT);
        if (url == null || project == null) {
            throw new ConfigException(List.of((url == null ? RemoteContentConfig.ORTHANC_URL.name() : OrthancBridgeConfig.PROJECT.name())
                    + ": required by the Orthanc bridge but not set"));
        }
        String dataset = config.get(OrthancBridgeConfig.DATASET);
        this.sourceId = config.find(OrthancBridgeConfig.ID).orElse("orthanc-bridge " + url + " " + project + "/" + dataset);
        this.orthanc = new OrthancClient(url, config.get(RemoteContentConfig.ORTHANC_BASIC_AUTH),
                config.get(RemoteContentConfig.HTTP_CONNECT_TIMEOUT), config.get(RemoteContentConfig.HTTP_TIMEOUT));
        this.metrics = new IngestionMetrics(registry, "orthanc-bridge");
        this.changes = new OrthancChanges(orthanc, new UploadEvents("orthanc-bridge", project, dataset, Clock.systemUTC()), metrics);
        this.pollInterval = config.get(OrthancBridgeConfig.POLL_INTERVAL);
        this.batchSize = config.get(OrthancBridgeConfig.BATCH_SIZE);
    }

    /** A bridge for the configured Orthanc; fails at once when orthanc.url or the project is missing. */
    public static OrthancBridge create(RadflowConfig config, MeterRegistry registry) {
        return new OrthancBridge(config, registry);
    }

    /** True when the configuration asks for a bridge (orthanc.url and orthanc.bridge.project set). */
    public static boolean configured(RadflowConfig config) {
        return config.get(RemoteContentConfig.ORTHANC_URL) != null && config.get(OrthancBridgeConfig.PROJECT) != null;
    }

    @Override
    public String name() {
        return "orthanc-bridge";
    }

    @Override
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        TopicProvisioner.prepare(config, List.of(TopicCatalog.DATASET_UPLOADS, TopicCatalog.INGESTION_CURSORS));
        serdes = IngestionKafka.serdes(config);
        cursors = new CursorStore(config, serdes, sourceId, Clock.systemUTC());
        running = true;
        thread = new Thread(this::run, "orthanc-bridge");
        thread.start();
        log.info("orthanc bridge started orthanc={} source=\"{}\"", orthanc.base(), sourceId);
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("orthanc", orthanc.base().toString());
    }

    @Override
    public boolean healthy() {
        return running && healthy;
    }

    /** The last Orthanc change Seq committed with its events (-1 before the first commit). */
    public long committedPosition() {
        return committed;
    }

    private void run() {
        Duration backoff = Duration.ofMillis(250);
        while (running) {
            try {
                boolean caughtUp = round();
                healthy = true;
                backoff = Duration.ofMillis(250);
                if (caughtUp) {
                    sleep(pollInterval);
                }
            } catch (RadflowException e) {
                healthy = false;
                if (transactionOpen) {
                    discardProducer(); // e.g. the schema registry failed mid-transaction
                }
                metrics.bridgeFailure("orthanc");
                log.warn("orthanc bridge round failed, retrying reason={} retryInMs={} error=\"{}\"", e.reason(), backoff.toMillis(), e.getMessage());
                sleep(backoff);
                backoff = next(backoff);
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                healthy = false;
                metrics.bridgeFailure("kafka");
                log.warn("orthanc bridge could not publish, resuming from the committed cursor retryInMs={} error=\"{}\"",
                        backoff.toMillis(), e.toString());
                discardProducer();
                sleep(backoff);
                backoff = next(backoff);
            }
        }
        Thread.interrupted(); // closing: let the producer shut down cleanly instead of failing on our interrupt
        discardProducer();
    }

    /** One transaction's worth of changes; true when Orthanc has nothing more for now. */
    private boolean round() {
        if (producer == null) {
            producer = IngestionKafka.producer(config, serdes, "radflow-orthanc-bridge", "radflow-" + sourceId.replace(' ', '_'));
            producer.initTransactions();
            cursor = cursors.read(KAFKA_TIMEOUT);
            committed = cursor;
            metrics.position(cursor);
            log.info("orthanc bridge resumes source=\"{}\" afterSeq={}", sourceId, cursor);
        }
        ChangesPage page = orthanc.changes(cursor, batchSize);
        if (page.changes().isEmpty()) {
            if (page.last() < cursor) {
                log.warn("Orthanc's change feed is behind the bridge's cursor (was Orthanc's database reset?) orthancLast={} cursor={}",
                        page.last(), cursor);
            }
            return true;
        }
        List<DatasetUploadEvent> events = new ArrayList<>();
        long last = cursor;
        for (Change change : page.changes()) {
            events.addAll(changes.translate(change));
            last = Math.max(last, change.seq());
        }
        last = Math.max(last, page.last());
        producer.beginTransaction();
        transactionOpen = true;
        for (DatasetUploadEvent e : events) {
            producer.send(new ProducerRecord<>(TopicCatalog.DATASET_UPLOADS.name(), e.getStudyInstanceUid(), e));
        }
        producer.send(cursors.record(last));
        producer.commitTransaction();
        transactionOpen = false;
        cursor = last;
        committed = last;
        metrics.position(last);
        log.debug("orthanc bridge committed events={} throughSeq={}", events.size(), last);
        return page.done();
    }

    private void discardProducer() {
        if (producer == null) {
            return;
        }
        try {
            producer.close(Duration.ofSeconds(5)); // an open transaction is aborted by the next initTransactions
        } catch (RuntimeException e) {
            log.debug("closing the bridge's producer failed error=\"{}\"", e.toString());
        }
        producer = null;
        transactionOpen = false;
    }

    private static Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        Thread t = thread;
        if (t == null) {
            return;
        }
        t.interrupt();
        try {
            t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        serdes.client().close();
        log.info("orthanc bridge stopped source=\"{}\" committedSeq={}", sourceId, committed);
    }
}
