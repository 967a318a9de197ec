package io.radflow.trigger.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.Scope;
import org.junit.jupiter.api.Test;

class GroupKeyTest {

    @Test
    void shouldParseWhatItWrites() {
        GroupKey series = GroupKey.series("p", "1.2", "1.2.3");
        GroupKey study = GroupKey.study("p", "1.2");

        assertThat(GroupKey.parse(series.storeKey())).isEqualTo(series);
        assertThat(GroupKey.parse(study.storeKey())).isEqualTo(study);
        assertThat(series.scope()).isEqualTo(Scope.SERIES);
        assertThat(study.scopeUid()).isEqualTo("1.2");
    }

    @Test
    void shouldNotLetAUidPrefixMatchAnotherGroup() {
        String instanceOfLongerStudy = GroupKey.instanceKey("p", "1.2.34", "1.2.34.1", "1.2.34.1.1");
        String instanceOfLongerSeries = GroupKey.instanceKey("p", "1.2.3", "1.2.3.11", "1.2.3.11.1");

        assertThat(instanceOfLongerStudy).doesNotStartWith(GroupKey.study("p", "1.2.3").instancePrefix());
        assertThat(instanceOfLongerSeries).doesNotStartWith(GroupKey.series("p", "1.2.3", "1.2.3.1").instancePrefix());
        assertThat(instanceOfLongerSeries).startsWith(GroupKey.study("p", "1.2.3").instancePrefix());
        assertThat(GroupKey.series("p", "1.2.3", "1.2.3.1").storeKey()).startsWith(GroupKey.study("p", "1.2.3").storeKey());
    }
}
