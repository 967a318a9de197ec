package io.radflow.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.lifecycle.ShutdownLatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceRunnerTest {

    /** Records what the runner does to it. */
    private static final class Recorder implements ManagedService {
        final List<String> calls = new ArrayList<>();
        final boolean failStart;

        Recorder(boolean failStart) {
            this.failStart = failStart;
        }

        @Override
        public String name() {
            return "recorder";
        }

        @Override
        public synchronized void start() {
            calls.add("start");
            if (failStart) {
                throw new IllegalStateException("port in use");
            }
        }

        @Override
        public Map<String, String> endpoints() {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("url", "http://localhost:1234");
            return e;
        }

        @Override
        public boolean healthy() {
            return true;
        }

        @Override
        public synchronized void close() {
            calls.add("close");
        }
    }

    @Test
    void shouldStartPrintTheEndpointsWaitForCtrlCThenClose() throws Exception {
        Recorder service = new Recorder(false);
        StringWriter text = new StringWriter();
        ShutdownLatch latch = new ShutdownLatch();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return ServiceRunner.runUntilStopped(service, new PrintWriter(text), "Recorder is up.",
                        Map.of("metrics", "http://localhost:9/metrics"), latch);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!text.toString().contains("Press Ctrl-C to stop.") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        synchronized (service) {
            assertThat(service.calls).containsExactly("start");
        }
        latch.trigger();

        assertThat(run.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(service.calls).containsExactly("start", "close");
        assertThat(text.toString().lines()).containsExactly("Recorder is up.", "  url:       http://localhost:1234",
                "  metrics:   http://localhost:9/metrics", "Press Ctrl-C to stop.", "Stopping...");
    }

    @Test
    void shouldCloseAServiceThatFailedToStart() {
        Recorder service = new Recorder(true);
        assertThatThrownBy(() -> ServiceRunner.runUntilStopped(service, new PrintWriter(new StringWriter()), "never printed",
                Map.of(), new ShutdownLatch())).hasMessage("port in use");
        assertThat(service.calls).containsExactly("start", "close");
    }
}
