package io.radflow.launcher;

import io.radflow.exporter.ResultsExporterCommand;
import io.radflow.ingestion.OrthancBridgeCommand;
import io.radflow.ingestion.UploadCommand;
import io.radflow.runs.cli.DlqCommand;
import io.radflow.runs.cli.RunsCommand;
import io.radflow.trigger.AutorunTriggerCommand;
import io.radflow.worker.cli.InferenceWorkerCommand;
import io.radflow.worker.cli.RunLocalCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./radflow}: one entry point for every part of the pipeline. */
@Command(name = "radflow", mixinStandardHelpOptions = true, version = "radflow 0.1.0",
        description = "Event-driven inference pipeline for medical imaging on Apache Kafka.",
        subcommands = {
            DevCommand.class,
            DemoCommand.class,
            PredictionsCommand.class,
            RunsCommand.class,
            DlqCommand.class,
            RegistryServiceCommand.class,
            ViewerCommand.class,
            AutorunTriggerCommand.class,
            SchemasCommand.class,
            TopicsCommand.class,
            ConfigCommand.class,
            DicomCommand.class,
            UploadCommand.class,
            OrthancBridgeCommand.class,
            InferenceWorkerCommand.class,
            RunLocalCommand.class,
            ResultsExporterCommand.class,
            HelpCommand.class
        },
        footer = {"", "Every subcommand takes --bootstrap-servers (RADFLOW_KAFKA_BOOTSTRAP_SERVERS) and "
                + "--schema-registry-url (RADFLOW_SCHEMA_REGISTRY_URL); with neither, it connects to a "
                + "'./radflow dev' running from the same checkout."})
public final class RadflowCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }
}
