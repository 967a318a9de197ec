package io.radflow.registry;

import io.radflow.common.error.Reason;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting a service's Kafka Streams application and waiting until it runs (its stores are ready to
 * serve): state changes logged, a failed stream thread stops the client (the service turns
 * unhealthy rather than serving a view that no longer moves). Used by the registry and the
 * prediction view.
 */
public final class StreamsStartup {

    private static final Logger log = LoggerFactory.getLogger(StreamsStartup.class);

    private StreamsStartup() {
    }

    /** @param service names the service in logs and in the error ("registry", "viewer") */
    public static void startAndAwaitRunning(KafkaStreams streams, String service, Duration timeout) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            log.info("{} streams state {} -> {}", service, before, now);
            if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            log.error("{} stream thread failed; the service stops updating error={}", service, e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || streams.state() != KafkaStreams.State.RUNNING) {
            throw new RegistryException(Reason.INTERNAL, "the " + service + "'s Kafka Streams application did not reach RUNNING within "
                    + timeout.toSeconds() + " s (state " + streams.state() + ")");
        }
    }
}
