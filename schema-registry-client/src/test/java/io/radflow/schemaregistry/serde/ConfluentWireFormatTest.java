package io.radflow.schemaregistry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

    @Test
    void shouldWriteMagicByteThenBigEndianSchemaId() {
        ByteBuffer buf = ByteBuffer.allocate(5);
        ConfluentWireFormat.writeHeader(buf, 0x01020304);
        assertThat(buf.array()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void shouldReadTheSchemaIdBackAndLeaveTheBufferAtTheBody() {
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 44, 9, 9});
        assertThat(ConfluentWireFormat.readSchemaId(buf, "t")).isEqualTo(300);
        assertThat(buf.position()).isEqualTo(5);
    }

    @Test
    void shouldRejectAWrongMagicByteNamingTheTopic() {
        assertThatThrownBy(() -> ConfluentWireFormat.readSchemaId(ByteBuffer.wrap("{\"json\":1}".getBytes()), "predictions"))
                .isInstanceOf(AvroSerdeException.class)
                .hasMessageContaining("predictions").hasMessageContaining("0x7b")
                .extracting(e -> ((AvroSerdeException) e).reason()).isEqualTo(Reason.NOT_CONFLUENT_FRAMED);
    }

    @Test
    void shouldRejectInputShorterThanTheHeader() {
        assertThatThrownBy(() -> ConfluentWireFormat.readSchemaId(ByteBuffer.wrap(new byte[] {0, 1}), "jobs"))
                .isInstanceOf(AvroSerdeException.class)
                .hasMessageContaining("2 bytes").hasMessageContaining("jobs");
    }
}
