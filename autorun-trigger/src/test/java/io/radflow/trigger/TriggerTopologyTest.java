package io.radflow.trigger;

import static io.radflow.trigger.TriggerTestDriver.START;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh trigger topology for each test (TopologyTestDriver): project {@link #P} known, the clock at START. */
abstract class TriggerTopologyTest {

    static final String P = "project-1";
    static final Instant BEFORE = START.minus(Duration.ofHours(1));

    @TempDir
    Path state;

    TriggerTestDriver t;

    @BeforeEach
    void startDriver() {
        t = new TriggerTestDriver(state);
        t.project(P);
    }

    @AfterEach
    void closeDriver() {
        t.close();
    }

    static Instant at(int seconds) {
        return START.plusSeconds(seconds);
    }
}
