package io.radflow.exporter;

import static io.radflow.exporter.ExportFixtures.job;
import static io.radflow.exporter.ExportFixtures.mask;
import static io.radflow.exporter.ExportFixtures.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.Reason;
import io.radflow.exporter.destination.CStoreDestination;
import io.radflow.testsupport.OrthancServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** C-STORE with PixelMed's SCU into a real Orthanc, and to a port where no DICOM node listens. */
class CStoreDestinationIT {

    @Test
    void shouldStoreByCStoreOnceAndCallAMissingNodeTransient() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        ExportObject seg = new SegmentationBuilder().build(job("job-cstore", List.of(prediction("job-cstore", 0, ct, 0, 1,
                mask(128, 128, i -> i % 3 == 0), null)), ct)).orElseThrow();
        try (OrthancServer orthanc = OrthancServer.start(2)) {
            CStoreDestination destination = new CStoreDestination("ORTHANC", "127.0.0.1", orthanc.dicomPort(), "RADFLOW", 5000);
            destination.store(List.of(seg));
            destination.store(List.of(seg));
            var lookup = new ObjectMapper().readTree(orthanc.get("/instances?expand").body());
            assertThat(lookup).as("one instance after storing the same object twice").hasSize(1);
            assertThat(lookup.get(0).at("/MainDicomTags/SOPInstanceUID").asText()).isEqualTo(seg.sopInstanceUid());
            assertThat(destination.describe()).isEqualTo("C_STORE ORTHANC@127.0.0.1:" + orthanc.dicomPort());
        }
        CStoreDestination nowhere = new CStoreDestination("PACS", "127.0.0.1", OrthancServer.freePort(), "RADFLOW", 2000);
        assertThatThrownBy(() -> nowhere.store(List.of(seg))).isInstanceOf(ExportException.class)
                .hasMessageContaining("cannot reach the DICOM node C_STORE PACS@127.0.0.1:")
                .extracting(e -> ((ExportException) e).reason()).isEqualTo(Reason.DESTINATION_UNAVAILABLE);
    }
}
