package io.radflow.trigger.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.JobTrigger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The completeness rules on a bare group state, without Kafka Streams. */
class CompletionRulesTest {

    static final Duration QUIET = Duration.ofSeconds(60);

    static GroupState openGroup() {
        GroupState g = new GroupState();
        g.open("d", 0, List.of(PinnedModel.attach("m", 1, Map.of())));
        return g;
    }

    @Test
    void shouldNeverCompleteAGroupWithoutModels() {
        GroupState g = new GroupState();
        g.open("d", 0, List.of());
        CompletionRules.instanceAdded(g, 1, 0);
        CompletionRules.markerArrived(g, "e1", null, 0);

        assertThat(g.pending()).isFalse();
        assertThat(CompletionRules.completeOnEvent(g)).isEmpty();
        assertThat(CompletionRules.quietPeriodOver(g, Long.MAX_VALUE, QUIET)).isFalse();
    }

    @Test
    void shouldCountAnInstanceNoModelTakesTowardsCompletenessWithoutWaitingForIt() {
        GroupState g = openGroup();
        CompletionRules.markerArrived(g, "e1", 2, 0);
        CompletionRules.instanceAdded(g, null, 1, new boolean[] {false});
        assertThat(g.pending()).as("nothing a model takes").isFalse();
        assertThat(g.instanceCount()).isEqualTo(1);
        assertThat(g.lastNewInstanceAt).as("no quiet period started").isEqualTo(-1);

        CompletionRules.instanceAdded(g, null, 2, new boolean[] {true});
        assertThat(g.pending()).isTrue();
        assertThat(CompletionRules.completeOnEvent(g)).as("2 of 2, one of them left out").contains(JobTrigger.COMPLETION_MARKER);
        CompletionRules.emitted(g);
        assertThat(g.models().get(0).taken()).isEqualTo(1);
        assertThat(g.models().get(0).waitsForInstances()).isFalse();
    }

    @Test
    void shouldSpendAMarkerReachedWhileNothingIsPending() {
        GroupState g = openGroup();
        CompletionRules.markerArrived(g, "e1", 1, 0);
        CompletionRules.instanceAdded(g, null, 1, new boolean[] {false});
        assertThat(CompletionRules.completeOnEvent(g)).isEmpty();
        assertThat(g.markerPending).as("it completed a group with nothing to send").isFalse();

        CompletionRules.instanceAdded(g, null, 2, new boolean[] {true});
        assertThat(CompletionRules.completeOnEvent(g)).as("a later image waits for its quiet period").isEmpty();
        assertThat(CompletionRules.quietPeriodOver(g, 2 + QUIET.toMillis(), QUIET)).isTrue();
    }

    @Test
    void shouldCompleteOnAMarkerOnlyOnceItsCountIsReached() {
        GroupState g = openGroup();
        CompletionRules.markerArrived(g, "e1", 2, 0);
        CompletionRules.instanceAdded(g, null, 1);
        assertThat(CompletionRules.completeOnEvent(g)).isEmpty();
        CompletionRules.instanceAdded(g, null, 2);
        assertThat(CompletionRules.completeOnEvent(g)).contains(JobTrigger.COMPLETION_MARKER);
    }

    @Test
    void shouldFireTheExpectedCountOnlyOnce() {
        GroupState g = openGroup();
        CompletionRules.instanceAdded(g, 2, 1);
        CompletionRules.instanceAdded(g, 2, 2);
        assertThat(CompletionRules.completeOnEvent(g)).contains(JobTrigger.EXPECTED_COUNT_REACHED);
        CompletionRules.emitted(g);

        CompletionRules.instanceAdded(g, 2, 3);
        assertThat(g.pending()).isTrue();
        assertThat(CompletionRules.completeOnEvent(g)).as("a late instance waits for its quiet period").isEmpty();
        assertThat(CompletionRules.quietPeriodOver(g, 3 + 59_999, QUIET)).isFalse();
        assertThat(CompletionRules.quietPeriodOver(g, 3 + 60_000, QUIET)).isTrue();
    }

    @Test
    void shouldSpendAMarkerThatArrivesAfterEverythingWasEmitted() {
        GroupState g = openGroup();
        CompletionRules.instanceAdded(g, null, 1);
        CompletionRules.emitted(g);
        assertThat(CompletionRules.markerArrived(g, "e1", null, 5)).isTrue();

        CompletionRules.instanceAdded(g, null, 6);
        assertThat(CompletionRules.completeOnEvent(g)).as("the earlier marker covered the earlier emission").isEmpty();
        assertThat(CompletionRules.markerArrived(g, "e1", null, 7)).as("same marker again").isFalse();
        assertThat(CompletionRules.markerArrived(g, "e2", null, 8)).isTrue();
        assertThat(CompletionRules.completeOnEvent(g)).contains(JobTrigger.COMPLETION_MARKER);
    }

    @Test
    void shouldKeepAMarkerWhoseCountAQuietPeriodEmissionDidNotReach() {
        GroupState g = openGroup();
        CompletionRules.markerArrived(g, "e1", 3, 0);
        CompletionRules.instanceAdded(g, null, 1);
        CompletionRules.emitted(g);
        CompletionRules.instanceAdded(g, null, 2);
        CompletionRules.instanceAdded(g, null, 3);

        assertThat(CompletionRules.completeOnEvent(g)).contains(JobTrigger.COMPLETION_MARKER);
    }

    @Test
    void shouldRoundTripThroughTheStoreFormat() {
        GroupState g = openGroup();
        CompletionRules.markerArrived(g, "e1", 3, 7);
        CompletionRules.instanceAdded(g, 4, 9);
        g.models.set(0, g.models.get(0).emitted(2, "job-x"));
        g.dueKey = "q0000000000000000069\u0000p\u0000s\u0000";
        GroupStateSerde serde = new GroupStateSerde();

        GroupState back = serde.deserialize("t", serde.serialize("t", g));
        assertThat(back).usingRecursiveComparison().isEqualTo(g);
    }
}
