package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.schemaregistry.CompatibilityResult;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaFiles;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./radflow schemas}: register the catalog's schemas, or check a candidate schema before it ships. */
@Command(name = "schemas", mixinStandardHelpOptions = true,
        description = "Register the topic catalog's Avro schemas, or check a schema file against a subject.")
public final class SchemasCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register every catalog value schema (for clusters that run with schema.registry.auto.register=false).")
    int register() {
        PrintWriter out = spec.commandLine().getOut();
        try (HttpSchemaRegistryClient client = client()) {
            for (Topic<?, ?> topic : TopicCatalog.ALL) {
                if (SpecificRecord.class.isAssignableFrom(topic.valueType())) {
                    Schema schema = SpecificData.get().getSchema(topic.valueType());
                    int id = client.register(topic.valueSubject(), schema);
                    out.printf("%-28s %-22s id %d%n", topic.valueSubject(), schema.getName(), id);
                }
            }
        }
        return 0;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check whether an .avsc file would be accepted as the next version of a subject.")
    int check(@Option(names = "--subject", required = true, description = "Subject, e.g. predictions-value") String subject,
              @Parameters(paramLabel = "FILE", description = "Avro schema file (.avsc)") Path file) {
        PrintWriter out = spec.commandLine().getOut();
        Schema candidate = SchemaFiles.parse(file);
        try (HttpSchemaRegistryClient client = client()) {
            CompatibilityResult result = client.testCompatibility(subject, candidate);
            out.println(file + (result.compatible() ? " is compatible with " : " is NOT compatible with ") + subject
                    + " (" + client.compatibility(subject) + ")");
            result.messages().forEach(m -> out.println("  " + m));
            return result.compatible() ? 0 : 1;
        }
    }

    private HttpSchemaRegistryClient client() {
        RadflowConfig config = connection.load(CommonConfig.SCHEMA_REGISTRY_ONLY);
        return new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config));
    }
}
