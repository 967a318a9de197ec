package io.radflow.worker.consumer;

import io.radflow.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Kafka side, on one thread: polls jobs, hands them to the {@link JobHandler}, and
 * publishes finished jobs' records (taken from {@link Outcomes}) together with their offsets in
 * one transaction. Processing happens on
 * other threads, so polling never stops for a long study and the group never rebalances because
 * of one; partitions are paused while {@code maxInFlight} jobs are consumed but not committed,
 * and the runs' partitions also while auto-run jobs are in flight ({@link JobTopics}).
 *
 * <p>Commits group finished jobs: right away when nothing else is running (run jobs aside: they
 * never delay an auto-run job's commit), otherwise at most every {@code commitInterval}, so a
 * transaction's cost is shared by the jobs that finish in the meantime. On revocation the loop
 * commits what it can and drops the rest of the partition's work (the new owner runs it again);
 * a producer fenced by another worker with the same id stops the loop.
 */
public final class JobConsumerLoop implements Runnable, ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(JobConsumerLoop.class);
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    /**
     * How often the end offsets of paused partitions are asked for: the consumer learns a
     * partition's end only from fetches, so without this the lag of run-jobs held back behind fresh
     * work would stay as it was when they were paused, and the autoscaler would not see a backfill.
     */
    static final Duration PAUSED_END_REFRESH = Duration.ofSeconds(5);
    private static final Duration RETRY_AFTER_FAILED_COMMIT = Duration.ofMillis(500);
    /**
     * How long after the last auto-run job the runs' cap still holds: with fresh uploads arriving,
     * run jobs are capped so a new one waits behind few; once none came for this long, a backfill
     * may fill the worker (up to {@code maxInFlight}) and run at full speed.
     */
    public static final Duration FRESH_TRAFFIC_MEMORY = Duration.ofSeconds(10);

    private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
    private final TransactionalPublisher publisher;
    private final JobTopics topics;
    private final WorkerMetrics metrics;
    private final int maxInFlight;
    private final Duration commitInterval;
    private final Outcomes outcomes;
    private final JobHandler handler;

    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final Map<TopicPartition, Long> pausedEnds = new HashMap<>();
    private long pausedEndsAt = System.nanoTime() - PAUSED_END_REFRESH.toNanos();
    /** Side records taken into a transaction that has not committed yet; sent again until it does. */
    private final List<Outcomes.SideRecord> pendingSide = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * The outcomes of a transaction whose commit is in doubt, by partition; null when none is. Until
     * the loop knows which of them committed, it sends nothing: sending them again could publish
     * them twice.
     */
    private Map<PartitionProgress, List<JobOutcome>> inDoubt;
    /** Per jobs topic, the lag of this worker's partitions of it: the autoscaler tells the two lanes apart. */
    private final Map<String, AtomicLong> lag;
    private volatile boolean running = true;
    private volatile boolean failed;
    private volatile boolean assigned;
    private long lastCommitNanos = System.nanoTime();
    private long lastFreshNanos = System.nanoTime() - FRESH_TRAFFIC_MEMORY.toNanos();
    private long nextCommitAllowedNanos = System.nanoTime();

    public JobConsumerLoop(org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer, TransactionalPublisher publisher,
                           JobTopics topics, WorkerMetrics metrics, int maxInFlight, Duration commitInterval, Outcomes outcomes,
                           JobHandler handler) {
        this.consumer = consumer;
        this.publisher = publisher;
        this.topics = topics;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.commitInterval = commitInterval;
        this.outcomes = outcomes;
        this.handler = handler;
        this.lag = topics.all().stream().collect(Collectors.toUnmodifiableMap(t -> t, t -> new AtomicLong()));
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics.all(), this);
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(inFlight.get() > 0 ? BUSY_POLL : IDLE_POLL);
                } catch (WakeupException e) {
                    continue;
                }
                Set<TopicPartition> heldBack = new HashSet<>();
                for (ConsumerRecord<String, byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (heldBack.contains(tp)) {
                        continue;
                    }
                    if (topics.isRuns(r.topic()) && !toPause(List.of(tp)).isEmpty()) {
                        // Over the runs' cap (or fresh work came first): fetch it again once there is room.
                        consumer.seek(tp, r.offset());
                        consumer.pause(List.of(tp));
                        heldBack.add(tp);
                        continue;
                    }
                    accept(r);
                }
                drainCompletions();
                maybeCommit(false);
                adjustPause();
                updateLag();
            }
            drainCompletions();
            maybeCommit(true);
        } catch (TransactionalPublisher.FencedException e) {
            failed = true;
            log.error("worker stopped: {}", e.getMessage());
        } catch (RuntimeException e) {
            failed = true;
            log.error("job consumer loop stopped error={}", e.toString(), e);
        } finally {
            try {
                // Static members stay in the group by default; a worker that stops on purpose leaves,
                // so its partitions move to the others at once.
                consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                log.warn("consumer did not close cleanly error={}", e.toString());
            }
            publisher.close();
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        PartitionProgress p = progress.get(tp);
        if (p == null) {
            return; // not ours any more; never happens within one poll, kept for safety
        }
        p.consumed(r.offset());
        inFlight.incrementAndGet();
        if (!topics.isRuns(r.topic())) {
            lastFreshNanos = System.nanoTime();
        }
        handler.accept(new ConsumedJob(tp, r.offset(), r.key(), p, System.nanoTime()), r.value());
    }

    private void drainCompletions() {
        JobOutcome o;
        while ((o = outcomes.nextCompleted()) != null) {
            // A revoked partition's jobs were already subtracted from inFlight; their results are dropped.
            if (o.consumed().current()) {
                o.consumed().progress().completed(o);
            }
        }
    }

    private void maybeCommit(boolean force) {
        long now = System.nanoTime();
        if (!force && now - nextCommitAllowedNanos < 0) {
            return;
        }
        int committable = 0;
        int freshCommittable = 0;
        int freshPending = 0;
        for (PartitionProgress p : progress.values()) {
            int n = p.committable().size();
            committable += n;
            if (!topics.isRuns(p.partition().topic())) {
                freshCommittable += n;
                freshPending += p.pendingCount();
            }
        }
        if (committable == 0 && outcomes.noSideRecords() && pendingSide.isEmpty()) {
            return;
        }
        boolean allDone = committable == inFlight.get();
        // Run jobs still running never hold back the commit of finished auto-run jobs.
        boolean freshDone = freshCommittable > 0 && freshCommittable == freshPending;
        if (force || (committable > 0 && (allDone || freshDone)) || now - lastCommitNanos >= commitInterval.toNanos()) {
            commit();
        }
    }

    private void commit() {
        if (inDoubt != null && !resolveInDoubt()) {
            nextCommitAllowedNanos = System.nanoTime() + RETRY_AFTER_FAILED_COMMIT.toNanos();
            return;
        }
        Outcomes.SideRecord side;
        while ((side = outcomes.nextSideRecord()) != null) {
            pendingSide.add(side);
        }
        pendingSide.removeIf(s -> !s.job().current());
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(pendingSide.size());
        pendingSide.forEach(s -> records.add(s.record()));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<PartitionProgress, List<JobOutcome>> included = new HashMap<>();
        for (PartitionProgress p : progress.values()) {
            List<JobOutcome> done = p.committable();
            if (!done.isEmpty()) {
                done.forEach(o -> records.addAll(o.records()));
                offsets.put(p.partition(), new OffsetAndMetadata(done.get(done.size() - 1).consumed().offset() + 1));
                included.put(p, done);
            }
        }
        long t0 = System.nanoTime();
        TransactionalPublisher.Result result = publisher.commit(records, offsets, consumer.groupMetadata());
        lastCommitNanos = System.nanoTime();
        log.debug("transaction result={} records={} partitions={}", result, records.size(), offsets.size());
        metrics.transaction(result.name().toLowerCase(java.util.Locale.ROOT), Duration.ofNanos(lastCommitNanos - t0));
        switch (result) {
            case COMMITTED -> {
                pendingSide.clear();
                included.forEach((p, done) -> {
                    p.committed(done.size());
                    countCommitted(done);
                });
            }
            case ABORTED -> nextCommitAllowedNanos = lastCommitNanos + RETRY_AFTER_FAILED_COMMIT.toNanos();
            case IN_DOUBT -> {
                nextCommitAllowedNanos = lastCommitNanos + RETRY_AFTER_FAILED_COMMIT.toNanos();
                inDoubt = included;
                resolveInDoubt();
            }
        }
    }

    /**
     * Finds out which outcomes of the transaction in doubt committed: first settles the transaction
     * (a fresh producer completes or aborts it), then asks the group coordinator for the partitions'
     * committed offsets, which are final only after that. Outcomes found committed are done; the
     * rest stay committable and go with the next transaction.
     *
     * @return false when the transaction could not be settled or the offsets not read (broker away,
     *         or the loop woken to stop): still in doubt, and nothing may be sent until it is not
     */
    private boolean resolveInDoubt() {
        Map<PartitionProgress, List<JobOutcome>> included = inDoubt;
        if (included.isEmpty()) {
            pendingSide.clear(); // statuses only: dropping them is harmless, repeating them could reorder states
            inDoubt = null;
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            publisher.settle();
            committed = consumer.committed(included.keySet().stream().map(PartitionProgress::partition)
                    .collect(java.util.stream.Collectors.toSet()), Duration.ofSeconds(30));
        } catch (TransactionalPublisher.FencedException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("transaction still in doubt: cannot settle it or read the committed offsets; sending nothing until then"
                    + " error={}", e.toString());
            return false;
        }
        boolean any = false;
        for (Map.Entry<PartitionProgress, List<JobOutcome>> e : included.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey().partition());
            // A revoked partition's jobs were already given up (its new owner may have committed since).
            if (c != null && !e.getKey().revoked()) {
                List<JobOutcome> done = e.getValue();
                int n = e.getKey().committedUpTo(c.offset());
                if (n > 0) {
                    any = true;
                    countCommitted(done.subList(0, Math.min(n, done.size())));
                }
            }
        }
        if (any || included.keySet().stream().allMatch(PartitionProgress::revoked)) {
            pendingSide.clear();
        }
        inDoubt = null;
        log.info("transaction in doubt resolved committed={}", any);
        return true;
    }

    private void countCommitted(List<JobOutcome> done) {
        inFlight.addAndGet(-done.size());
        for (JobOutcome o : done) {
            metrics.job(o.modelId(), o.version(), o.outcome());
        }
    }

    /**
     * Pauses what may not be fetched now and resumes the rest: every partition while
     * {@code maxInFlight} jobs are in flight; the runs' partitions also while an auto-run job is,
     * or while {@code runsMaxInFlight} run jobs are and auto-run jobs came within
     * {@link #FRESH_TRAFFIC_MEMORY}. A poll may return more run jobs than that:
     * the loop takes them up to the cap and seeks back to the first it leaves.
     */
    private void adjustPause() {
        Set<TopicPartition> assignment = consumer.assignment();
        if (assignment.isEmpty()) {
            return;
        }
        Set<TopicPartition> wanted = toPause(assignment);
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> pause = new HashSet<>(wanted);
        pause.removeAll(paused);
        Set<TopicPartition> resume = new HashSet<>(paused);
        resume.removeAll(wanted);
        if (!pause.isEmpty()) {
            consumer.pause(pause);
            log.debug("paused partitions={} inFlight={}", pause, inFlight.get());
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
            log.debug("resumed partitions={} inFlight={}", resume, inFlight.get());
        }
    }

    private Set<TopicPartition> toPause(Collection<TopicPartition> partitions) {
        int fresh = 0;
        int runs = 0;
        for (PartitionProgress p : progress.values()) {
            if (topics.isRuns(p.partition().topic())) {
                runs += p.pendingCount();
            } else {
                fresh += p.pendingCount();
            }
        }
        boolean full = inFlight.get() >= maxInFlight;
        boolean freshTraffic = System.nanoTime() - lastFreshNanos < FRESH_TRAFFIC_MEMORY.toNanos();
        boolean runsWait = fresh > 0 || runs >= (freshTraffic ? topics.runsMaxInFlight() : maxInFlight);
        Set<TopicPartition> out = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (full || (runsWait && topics.isRuns(tp.topic()))) {
                out.add(tp);
            }
        }
        return out;
    }

    private void updateLag() {
        Set<TopicPartition> paused = consumer.paused();
        refreshPausedEnds(paused);
        Map<String, Long> totals = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = paused.contains(tp) ? pausedLag(tp) : consumer.currentLag(tp);
            if (l.isPresent()) {
                totals.merge(tp.topic(), l.getAsLong(), Long::sum);
            }
        }
        lag.forEach((topic, value) -> value.set(totals.getOrDefault(topic, 0L)));
    }

    /** Every {@link #PAUSED_END_REFRESH}, one ListOffsets request for the paused partitions' ends. */
    private void refreshPausedEnds(Set<TopicPartition> paused) {
        if (System.nanoTime() - pausedEndsAt < PAUSED_END_REFRESH.toNanos()) {
            return;
        }
        pausedEndsAt = System.nanoTime();
        pausedEnds.keySet().retainAll(paused);
        if (paused.isEmpty()) {
            return;
        }
        try {
            pausedEnds.putAll(consumer.endOffsets(paused, Duration.ofSeconds(2)));
        } catch (RuntimeException e) {
            // A metric must never stop the work: keep the last ends and try again at the next refresh.
            log.debug("end offsets of paused partitions unavailable error={}", e.toString());
        }
    }

    /** Lag of a paused partition from its refreshed end, or the consumer's own figure until there is one. */
    private OptionalLong pausedLag(TopicPartition tp) {
        Long end = pausedEnds.get(tp);
        OptionalLong cached = consumer.currentLag(tp);
        if (end == null) {
            return cached;
        }
        try {
            long fromEnd = Math.max(0, end - consumer.position(tp, Duration.ZERO));
            return OptionalLong.of(Math.max(fromEnd, cached.orElse(0)));
        } catch (KafkaException e) {
            return cached; // no position yet (never fetched, no committed offset known)
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            progress.put(tp, new PartitionProgress(tp));
        }
        consumer.pause(toPause(partitions));
        assigned = !progress.isEmpty();
        log.info("partitions assigned {}", partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        drainCompletions();
        try {
            maybeCommit(true);
        } catch (TransactionalPublisher.FencedException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("commit before revocation failed; the new owner runs those jobs again error={}", e.toString());
        }
        drop(partitions);
        log.info("partitions revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        drop(partitions);
        log.warn("partitions lost {}", partitions);
    }

    private void drop(Collection<TopicPartition> partitions) {
        List<PartitionProgress> dropped = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            PartitionProgress p = progress.remove(tp);
            if (p != null) {
                p.revoke();
                inFlight.addAndGet(-p.pendingCount());
                dropped.add(p);
            }
        }
        assigned = !progress.isEmpty();
        handler.revoked(dropped);
    }

    /** Jobs consumed and not yet committed. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Jobs of a topic on this worker's partitions past its position, as of its last fetch from
     * each (a paused partition's end is not refreshed); 0 for a topic it does not read.
     */
    public long lag(String topic) {
        AtomicLong l = lag.get(topic);
        return l == null ? 0 : l.get();
    }

    public boolean assigned() {
        return assigned;
    }

    public boolean healthy() {
        return !failed;
    }

    /** Stops polling; the loop commits what is finished and closes its clients. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }
}
