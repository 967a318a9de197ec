package io.radflow.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void shouldGiveTheSameIdToTheSameEventAndDifferentIdsToDifferentOnes() {
        String a = EventIds.of("uploader", "p", "d", "instance", "1.2.3", "abc");
        assertThat(EventIds.of("uploader", "p", "d", "instance", "1.2.3", "abc")).isEqualTo(a);
        assertThat(EventIds.of("uploader", "p", "d", "instance", "1.2.3", "abd")).isNotEqualTo(a);
        assertThat(EventIds.of("ab", "c")).isNotEqualTo(EventIds.of("a", "bc"));
        assertThat(EventIds.of("a", null)).isEqualTo(EventIds.of("a", ""));
        UUID uuid = UUID.fromString(a);
        assertThat(uuid.version()).isEqualTo(8);
        assertThat(uuid.variant()).isEqualTo(2);
    }
}
