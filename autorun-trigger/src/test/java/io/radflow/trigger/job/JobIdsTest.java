package io.radflow.trigger.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.Scope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobIdsTest {

    static final List<String> SOPS = List.of("1.2.3.1", "1.2.3.2", "1.2.3.10");

    @Test
    void shouldDependOnlyOnTheSetOfInstances() {
        List<String> shuffled = new ArrayList<>(List.of("1.2.3.10", "1.2.3.1", "1.2.3.2", "1.2.3.1"));
        assertThat(JobIds.of("m", 1, Scope.SERIES, "1.2.3", shuffled)).isEqualTo(JobIds.of("m", 1, Scope.SERIES, "1.2.3", SOPS))
                .matches("[0-9a-f]{32}");
    }

    @Test
    void shouldDifferWhenAnyPartDiffers() {
        String base = JobIds.of("m", 1, Scope.SERIES, "1.2.3", SOPS);
        assertThat(List.of(
                JobIds.of("m2", 1, Scope.SERIES, "1.2.3", SOPS),
                JobIds.of("m", 2, Scope.SERIES, "1.2.3", SOPS),
                JobIds.of("m", 1, Scope.STUDY, "1.2.3", SOPS),
                JobIds.of("m", 1, Scope.SERIES, "1.2.4", SOPS),
                JobIds.of("m", 1, Scope.SERIES, "1.2.3", SOPS.subList(0, 2)),
                // Field boundaries are unambiguous: moving characters between fields changes the id.
                JobIds.of("m1", 1, Scope.SERIES, ".2.3", SOPS))).doesNotContain(base).doesNotHaveDuplicates();
    }
}
