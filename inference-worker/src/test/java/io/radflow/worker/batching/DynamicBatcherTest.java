package io.radflow.worker.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {

    private static final BatchLimits FOUR_WITHIN_AN_HOUR = new BatchLimits(4, Duration.ofHours(1));

    @Test
    void shouldReleaseAFullBatchAtOnceWhateverTheDelay() throws Exception {
        DynamicBatcher<Integer> b = new DynamicBatcher<>();
        for (int i = 0; i < 6; i++) {
            b.offer("m:1", FOUR_WITHIN_AN_HOUR, i);
        }
        Batch<Integer> batch = CompletableFuture.supplyAsync(() -> take(b)).get(30, TimeUnit.SECONDS);
        assertThat(batch.key()).isEqualTo("m:1");
        assertThat(batch.items()).containsExactly(0, 1, 2, 3);
        assertThat(b.size()).isEqualTo(2);
    }

    @Test
    void shouldReleaseAPartialBatchOnlyAfterItsOldestJobWaitedTheDelay() throws Exception {
        DynamicBatcher<Integer> b = new DynamicBatcher<>();
        long t0 = System.nanoTime();
        b.offer("m:1", new BatchLimits(8, Duration.ofMillis(150)), 1);
        b.offer("m:1", new BatchLimits(8, Duration.ofMillis(150)), 2);
        Batch<Integer> batch = b.take();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(batch.items()).containsExactly(1, 2);
    }

    @Test
    void shouldRunWhatIsQueuedRightAwayWithoutADelay() throws Exception {
        DynamicBatcher<Integer> b = new DynamicBatcher<>();
        b.offer("m:1", new BatchLimits(16, Duration.ZERO), 1);
        assertThat(CompletableFuture.supplyAsync(() -> take(b)).get(30, TimeUnit.SECONDS).items()).containsExactly(1);
    }

    @Test
    void shouldServeTheVersionWhoseOldestJobWaitedLongest() throws Exception {
        DynamicBatcher<String> b = new DynamicBatcher<>();
        b.offer("old:1", new BatchLimits(2, Duration.ZERO), "a");
        b.offer("new:1", new BatchLimits(2, Duration.ZERO), "b");
        b.offer("old:1", new BatchLimits(2, Duration.ZERO), "c");
        assertThat(b.take().key()).isEqualTo("old:1");
        assertThat(b.take().items()).containsExactly("b");
    }

    @Test
    void shouldNeverMixVersionsInOneBatch() throws Exception {
        DynamicBatcher<String> b = new DynamicBatcher<>();
        b.offer("a:1", new BatchLimits(4, Duration.ZERO), "a1");
        b.offer("a:2", new BatchLimits(4, Duration.ZERO), "a2");
        assertThat(List.of(b.take().items(), b.take().items())).containsExactly(List.of("a1"), List.of("a2"));
    }

    @Test
    void shouldRemoveTheJobsOfRevokedPartitions() {
        DynamicBatcher<Integer> b = new DynamicBatcher<>();
        for (int i = 0; i < 5; i++) {
            b.offer("m:1", FOUR_WITHIN_AN_HOUR, i);
        }
        assertThat(b.removeIf(i -> i % 2 == 0)).containsExactly(0, 2, 4);
        assertThat(b.size()).isEqualTo(2);
    }

    @Test
    void shouldWakeWaitingThreadsWithNullAndRefuseOffersOnceClosed() throws Exception {
        DynamicBatcher<Integer> b = new DynamicBatcher<>();
        CompletableFuture<Batch<Integer>> waiting = CompletableFuture.supplyAsync(() -> take(b));
        b.close();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isNull();
        assertThat(b.offer("m:1", FOUR_WITHIN_AN_HOUR, 1)).isFalse();
    }

    @Test
    void shouldRefuseNonsenseLimits() {
        assertThat(BatchLimits.of(0, -5)).isEqualTo(new BatchLimits(1, Duration.ZERO));
    }

    private static <T> Batch<T> take(DynamicBatcher<T> b) {
        try {
            return b.take();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
