package io.radflow.schemas.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UidOrderTest {

    @Test
    void shouldOrderUidComponentsNumerically() {
        List<String> uids = new ArrayList<>(List.of("1.2.10", "1.2.9", "1.2", "1.2.9.1", "1.10", "1.2.09a", "1.2.009"));
        uids.sort(UidOrder.INSTANCE);

        assertThat(uids).containsExactly("1.2", "1.2.009", "1.2.9", "1.2.9.1", "1.2.10", "1.2.09a", "1.10");
    }
}
