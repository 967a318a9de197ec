package io.radflow.schemas.jobs;

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

    @Test
    void shouldKeepTheIdsOfEarlierReleases() {
        // Ids must not change between versions: a replay after an upgrade would otherwise run every job again.
        assertThat(JobIds.of("m", 1, Scope.SERIES, "1.2.3", SOPS)).isEqualTo("2ec1a7417b48a119e0a4532aaa9843ee");
        assertThat(JobIds.of("bench-model", 12, Scope.INSTANCE, "1.2.826.0.1.3680043.7.1.1.5", List.of("1.2.826.0.1.3680043.7.1.1.5")))
                .isEqualTo("e6fb1f8139e51178946bdd734321a327");
        assertThat(JobIds.of("mod\u00e8le-\u00fc", 3, Scope.STUDY, "1.2", List.of("1.2.3", "1.2.4")))
                .isEqualTo("812563126c33973ab837268a590d51ae");
    }
}
