package io.radflow.trigger.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.routing.InstanceRouting;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store formats of groups and instances: round trips, and what a trigger before routing rules wrote. */
class GroupStoreFormatTest {

    static final InstanceRouting CT_ONLY = InstanceRouting.of(RoutingRules.newBuilder().setModalities(List.of("CT")).build());

    @Test
    void shouldRoundTripAGroupWithItsModelsRoutingAndCounts() {
        GroupState g = new GroupState();
        g.open("d", 5, List.of(PinnedModel.attach("m1", 2, Map.of("a", "b"), CT_ONLY), PinnedModel.attach("m2", 1, Map.of())));
        CompletionRules.instanceAdded(g, 3, 10, new boolean[] {true, false});
        CompletionRules.markerArrived(g, "e1", 4, 11);
        GroupStateSerde serde = new GroupStateSerde();

        GroupState read = serde.deserialize("t", serde.serialize("t", g));

        assertThat(read.models()).isEqualTo(g.models());
        assertThat(read.models().get(0).routing()).isEqualTo(CT_ONLY);
        assertThat(read.models().get(0).taken()).isEqualTo(1);
        assertThat(read.models().get(1).taken()).isZero();
        assertThat(read.instanceCount()).isEqualTo(1);
        assertThat(read.pending()).isTrue();
        assertThat(read.markerCount).isEqualTo(4);
        assertThat(read.expectedFromData).isEqualTo(3);
    }

    @Test
    void shouldReadAGroupWrittenBeforeRoutingRulesAsEveryModelTakingEveryInstance() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeBoolean(true);
        out.writeUTF("d");       // datasetId
        out.writeBoolean(true);  // opened
        out.writeLong(5);        // openedAt
        out.writeInt(1);         // one model
        out.writeUTF("m1");
        out.writeInt(2);
        out.writeInt(0);         // no args
        out.writeInt(0);         // lastRevision
        out.writeBoolean(true);
        out.writeUTF("job-0");
        out.writeInt(3);         // instanceCount
        out.writeInt(2);         // emittedInstanceCount
        out.writeInt(1);         // emissions
        out.writeLong(20);       // pendingSince
        out.writeLong(20);       // lastNewInstanceAt
        out.writeLong(20);       // lastActivityAt
        out.writeBoolean(false); // expectedFromData
        out.writeBoolean(false); // expectedCountFired
        out.writeBoolean(false); // markerPending
        out.writeBoolean(false); // markerCount
        out.writeInt(0);         // marker ids
        out.writeBoolean(false); // dueKey

        GroupState read = new GroupStateSerde().deserialize("t", bytes.toByteArray());

        PinnedModel m = read.models().get(0);
        assertThat(m.routing()).isEqualTo(InstanceRouting.EVERY_IMAGE);
        assertThat(m.taken()).isEqualTo(3);
        assertThat(m.takenAtLastEmission()).isEqualTo(2);
        assertThat(m.lastJobId()).isEqualTo("job-0");
        assertThat(read.pending()).as("one instance beyond the last emission, as format 1 meant").isTrue();
    }

}
