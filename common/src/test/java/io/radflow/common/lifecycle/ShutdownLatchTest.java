package io.radflow.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ShutdownLatchTest {

    @Test
    void shouldRunTheActionOnADaemonThreadOnlyOnceShutdownBegins() throws Exception {
        ShutdownLatch shutdown = new ShutdownLatch();
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Thread> runner = new AtomicReference<>();
        shutdown.whenTriggered("test-watcher", () -> {
            runner.set(Thread.currentThread());
            ran.countDown();
        });
        try {
            assertThat(ran.await(200, TimeUnit.MILLISECONDS)).as("ran before shutdown").isFalse();

            shutdown.trigger();

            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(runner.get().getName()).isEqualTo("test-watcher");
            assertThat(runner.get().isDaemon()).isTrue();
        } finally {
            shutdown.closed(); // the JVM's exit need not wait for this latch's hook
        }
    }
}
