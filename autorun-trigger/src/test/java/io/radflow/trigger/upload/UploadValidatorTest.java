package io.radflow.trigger.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.testsupport.Events;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UploadValidatorTest {

    static DatasetUploadEvent valid() {
        return Events.instance("p", "1.2.3", "1.2.3.4", "1.2.3.4.5", 5, Instant.EPOCH);
    }

    static Reason reasonOf(DatasetUploadEvent e) {
        return UploadValidator.check(e.getStudyInstanceUid(), e).map(UploadProblem::reason).orElse(null);
    }

    @Test
    void shouldAcceptAWellFormedUploadAndMarkers() {
        assertThat(reasonOf(valid())).isNull();
        assertThat(reasonOf(Events.studyMarker("p", "1.2.3", null, Instant.EPOCH))).isNull();
        assertThat(reasonOf(Events.seriesMarker("p", "1.2.3", "1.2.3.4", 3, Instant.EPOCH))).isNull();
    }

    @Test
    void shouldNameWhatIsWrong() {
        DatasetUploadEvent longUid = valid();
        ((DataUploaded) longUid.getPayload()).setSopInstanceUid("1." + "2".repeat(70));
        DatasetUploadEvent noProject = valid();
        noProject.setProjectId("");
        DatasetUploadEvent noContent = valid();
        ((DataUploaded) noContent.getPayload()).getContent().setUri("");
        DatasetUploadEvent zeroFrames = valid();
        ((DataUploaded) zeroFrames.getPayload()).setNumberOfFrames(0);
        DatasetUploadEvent zeroCount = Events.seriesMarker("p", "1.2.3", "1.2.3.4", 0, Instant.EPOCH);

        assertThat(UploadValidator.check("1.2.3", longUid).orElseThrow().message()).contains("longer than 64");
        assertThat(reasonOf(noProject)).isEqualTo(Reason.MISSING_FIELD);
        assertThat(reasonOf(noContent)).isEqualTo(Reason.MISSING_FIELD);
        assertThat(reasonOf(zeroFrames)).isEqualTo(Reason.MALFORMED_EVENT);
        assertThat(reasonOf(zeroCount)).isEqualTo(Reason.MALFORMED_EVENT);
    }

    @Test
    void shouldRefuseUidsWithSpacesOrControlCharactersAnywhereInUnicode() {
        // ASCII spaces and controls, DEL, a C1 control, a Unicode space; printable non-ASCII is left alone.
        for (String bad : java.util.List.of("1.2 3", "1.2\t3", "1.2\u00013", "1.2\u007f3", "1.2\u00853", "1.2\u20033", "1.2\u30003")) {
            DatasetUploadEvent e = valid();
            ((DataUploaded) e.getPayload()).setSopInstanceUid(bad);
            assertThat(UploadValidator.check("1.2.3", e)).as(bad).hasValueSatisfying(problem -> {
                assertThat(problem.reason()).isEqualTo(Reason.MALFORMED_EVENT);
                assertThat(problem.message()).contains("sopInstanceUid").contains("spaces or control characters");
            });
        }
        DatasetUploadEvent lenient = valid();
        ((DataUploaded) lenient.getPayload()).setSopInstanceUid("1.2.3.\u00e9~!");
        assertThat(reasonOf(lenient)).isNull();
    }
}
