package io.radflow.trigger;

import static io.radflow.testsupport.Events.instance;
import static io.radflow.testsupport.Events.seriesMarker;
import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every valid instance reaches the dataset index, keyed so that a project's and a study's instances share a prefix. */
class DatasetIndexTopologyTest extends TriggerTopologyTest {

    private static final String STUDY = "1.2.840.9";

    @Test
    void shouldIndexEveryValidInstanceWhetherOrNotAModelRunsOnIt() {
        DatasetUploadEvent first = instance(P, STUDY, STUDY + ".1", STUDY + ".1.1", 1, at(1));
        DatasetUploadEvent second = instance(P, STUDY, STUDY + ".2", STUDY + ".2.1", 1, at(2));
        t.upload(first);
        t.upload(second);
        t.upload(seriesMarker(P, STUDY, STUDY + ".1", 1, at(3)));
        t.upload(instance("no-such-project", STUDY, STUDY + ".1", STUDY + ".1.9", 1, at(4)));

        Map<String, DatasetUploadEvent> index = t.index.readKeyValuesToList().stream()
                .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        assertThat(index).as("no model of the project is on auto-run: the index holds its instances all the same")
                .containsOnlyKeys(P + "/" + STUDY + "/" + STUDY + ".1/" + STUDY + ".1.1", P + "/" + STUDY + "/" + STUDY + ".2/" + STUDY + ".2.1");
        assertThat(index.get(P + "/" + STUDY + "/" + STUDY + ".1/" + STUDY + ".1.1")).isEqualTo(first);
        assertThat(t.deadLetters.readRecordsToList()).as("the unknown project's instance is a dead letter, not indexed").hasSize(1);
    }

    @Test
    void shouldKeepTheLatestUploadOfAnInstanceUploadedAgain() {
        t.model(Events.model("m", P, Scope.INSTANCE, BEFORE));
        DatasetUploadEvent upload = instance(P, STUDY, STUDY + ".1", STUDY + ".1.1", 1, at(1));
        DatasetUploadEvent again = Events.describe(instance(P, STUDY, STUDY + ".1", STUDY + ".1.1", 1, at(60)),
                d -> d.setModality("MR"));
        t.upload(upload);
        t.upload(again);

        assertThat(t.index.readKeyValuesToList()).extracting(kv -> kv.value).containsExactly(upload, again);
        assertThat(t.readJobs()).as("the second upload is a duplicate for auto-run").hasSize(1);
    }
}
