package io.radflow.schemaregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import io.radflow.testsupport.TestStack;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real registry (Apicurio's Confluent-compatible API). */
class SchemaRegistryClientIT {

    private HttpSchemaRegistryClient client;
    private String subject;

    private static final Schema V1 = SchemaBuilder.record("Patient").namespace("io.radflow.test").fields()
            .requiredString("id").endRecord();
    // Adds a field with a default: readers on v2 can read v1 data, so BACKWARD accepts it.
    private static final Schema V2_COMPATIBLE = SchemaBuilder.record("Patient").namespace("io.radflow.test").fields()
            .requiredString("id").name("age").type().intType().intDefault(-1).endRecord();
    // Adds a required field without a default: v3 readers cannot read v1 data.
    private static final Schema V3_INCOMPATIBLE = SchemaBuilder.record("Patient").namespace("io.radflow.test").fields()
            .requiredString("id").requiredLong("weightGrams").endRecord();

    @BeforeEach
    void setUp() {
        client = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(TestStack.get().schemaRegistryUrl())));
        subject = "client-it-" + UUID.randomUUID() + "-value";
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void shouldRegisterLookUpAndFetchById() {
        int id = client.register(subject, V1);
        assertThat(client.register(subject, V1)).as("registering again is idempotent").isEqualTo(id);

        HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(client.baseUrl()));
        RegisteredSchema found = fresh.lookup(subject, V1);
        assertThat(found.id()).isEqualTo(id);
        assertThat(found.version()).isEqualTo(1);
        assertThat(fresh.getById(id)).isEqualTo(V1);
        assertThat(fresh.latest(subject).schema()).isEqualTo(V1);
        assertThat(fresh.subjects()).contains(subject);
    }

    @Test
    void shouldCallTheRegistryOncePerSchema() {
        int id = client.register(subject, V1);
        long afterFirst = client.requestCount();
        for (int i = 0; i < 100; i++) {
            assertThat(client.register(subject, V1)).isEqualTo(id);
        }
        assertThat(client.requestCount()).isEqualTo(afterFirst);

        HttpSchemaRegistryClient reader = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(client.baseUrl()));
        for (int i = 0; i < 100; i++) {
            reader.getById(id);
        }
        assertThat(reader.requestCount()).isEqualTo(1);
    }

    @Test
    void shouldAcceptABackwardCompatibleEvolution() {
        client.register(subject, V1);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.BACKWARD);

        assertThat(client.testCompatibility(subject, V2_COMPATIBLE).compatible()).isTrue();
        int v2 = client.register(subject, V2_COMPATIBLE);
        assertThat(client.latest(subject).id()).isEqualTo(v2);
        assertThat(client.latest(subject).version()).isEqualTo(2);
    }

    @Test
    void shouldRejectAnIncompatibleEvolutionWith409AsAClearError() {
        client.register(subject, V1);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        assertThat(client.testCompatibility(subject, V3_INCOMPATIBLE).compatible()).isFalse();
        assertThatThrownBy(() -> client.register(subject, V3_INCOMPATIBLE))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("incompatible").hasMessageContaining(subject).hasMessageContaining("HTTP 409")
                .satisfies(e -> {
                    SchemaRegistryException sre = (SchemaRegistryException) e;
                    assertThat(sre.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
                    assertThat(sre.httpStatus()).isEqualTo(409);
                });
        assertThat(client.latest(subject).version()).as("nothing was registered").isEqualTo(1);
    }

    @Test
    void shouldReportASubjectThatDoesNotExist() {
        assertThatThrownBy(() -> client.latest("no-such-subject-" + UUID.randomUUID()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("subject not found").hasMessageContaining("no-such-subject-")
                .extracting(e -> ((SchemaRegistryException) e).reason()).isEqualTo(Reason.SUBJECT_NOT_FOUND);
    }

    @Test
    void shouldReportAnUnknownSchemaId() {
        assertThatThrownBy(() -> client.getById(987_654_321))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("schema id 987654321").hasMessageContaining("HTTP 404")
                .extracting(e -> ((SchemaRegistryException) e).reason()).isEqualTo(Reason.SCHEMA_NOT_FOUND);
    }

    @Test
    void shouldReportALookupOfASchemaNeverRegistered() {
        client.register(subject, V1);
        assertThatThrownBy(() -> client.lookup(subject, V3_INCOMPATIBLE))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(subject)
                .extracting(e -> ((SchemaRegistryException) e).reason()).isEqualTo(Reason.SCHEMA_NOT_FOUND);
    }

    @Test
    void shouldReportAnUnreachableRegistryNamingItsUrl() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/apis/ccompat/v7");
        HttpSchemaRegistryClient unreachable = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(nowhere));
        assertThatThrownBy(() -> unreachable.register(subject, V1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unreachable").hasMessageContaining("127.0.0.1:" + closedPort).hasMessageContaining(subject)
                .extracting(e -> ((SchemaRegistryException) e).reason()).isEqualTo(Reason.SCHEMA_REGISTRY_UNREACHABLE);
    }
}
