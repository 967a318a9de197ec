package io.radflow.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.Explanation;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Point;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Provenance;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Vertices;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionJsonTest {

    private static final Instant T = Instant.parse("2026-11-27T10:00:00.250Z");

    private static Prediction prediction(Object data, Object probability) {
        return Prediction.newBuilder().setPredictionId("job-1:0").setJobId("job-1").setProjectId("p").setDatasetId("d")
                .setModelId("m").setModelVersion(2).setOutputIndex(0).setType(OutputType.ANNOTATION)
                .setStudyInstanceUid("1.2").setSeriesInstanceUid("1.2.3").setSopInstanceUid(null).setFrameNumber(4)
                .setClassIndex(1).setLabelId("L1").setData(data).setProbability(probability).setNote("n")
                .setExplanations(List.of(new Explanation("map", null, ByteBuffer.wrap(new byte[] {1, 2, 3}), "image/png")))
                .setProvenance(Provenance.newBuilder().setWorkerId("w").setRuntime(RuntimeKind.ONNX).setDevice(Device.CPU)
                        .setUploadedAt(T).setJobCreatedAt(T).setStartedAt(T).setCompletedAt(T.plusMillis(5)).build())
                .build();
    }

    private static JsonNode parse(Prediction p) throws Exception {
        String line = PredictionJson.toLine(p);
        assertThat(line).doesNotContain("\n");
        return new ObjectMapper().readTree(line);
    }

    @Test
    void shouldWriteABoxInMdaiShapeWithPerClassProbabilities() throws Exception {
        JsonNode j = parse(prediction(new BoundingBox(1.5, 2.0, 3.0, 4.0),
                List.of(new ClassProbability(0, 0.25), new ClassProbability(1, 0.75))));
        assertThat(j.get("dataType").asText()).isEqualTo("box");
        assertThat(j.get("data").get("width").asDouble()).isEqualTo(3.0);
        assertThat(j.get("probability").get(1).get("probability").asDouble()).isEqualTo(0.75);
        assertThat(j.get("sopInstanceUid").isNull()).isTrue();
        assertThat(j.get("frameNumber").asInt()).isEqualTo(4);
        assertThat(j.get("explanations").get(0).get("contentBase64").asText()).isEqualTo("AQID");
        assertThat(j.get("provenance").get("completedAt").asText()).isEqualTo("2026-11-27T10:00:00.255Z");
        assertThat(j.get("provenance").get("runtime").asText()).isEqualTo("ONNX");
    }

    @Test
    void shouldWriteEveryOtherDataShape() throws Exception {
        assertThat(parse(prediction(new Point(7.0, 8.0), 0.5)).get("data").get("y").asDouble()).isEqualTo(8.0);
        JsonNode v = parse(prediction(new Vertices(List.of(new Point(1.0, 2.0), new Point(3.0, 4.0))), null));
        assertThat(v.get("dataType").asText()).isEqualTo("vertices");
        assertThat(v.get("data").get("vertices").get(1).get(0).asDouble()).isEqualTo(3.0);
        assertThat(v.get("probability").isNull()).isTrue();
        JsonNode m = parse(prediction(new Mask(1, 2, ByteBuffer.wrap(new byte[] {0, 1})), 0.9));
        assertThat(m.get("data").get("pixelsBase64").asText()).isEqualTo("AAE=");
        assertThat(parse(prediction(null, 0.9)).get("data").isNull()).isTrue();
    }
}
