package io.radflow.exporter;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.cli.ServiceRunner;
import io.radflow.common.config.RadflowConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./radflow results-exporter}: one exporter of the consumer group, until Ctrl-C. */
@Command(name = "results-exporter", mixinStandardHelpOptions = true,
        description = {"Run a results exporter: for every finished job of a model version whose settings ask for export, "
                + "write its masks as a DICOM SEG, its other findings as a TID 1500 SR and its own DICOM outputs as they are "
                + "to the project's destination (STOW-RS, C-STORE or the content store), exactly once; publish "
                + "results-exported, dead-letter what a destination refuses. Runs until Ctrl-C.",
            "Every exporter.* key (./radflow config) can be set with --set, RADFLOW_* variables or --config."})
public final class ResultsExporterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--exporter-id", paramLabel = "ID", description = "Unique, stable id of this exporter (key exporter.id; default: the host name).")
    String exporterId;

    @Option(names = "--secrets-dir", paramLabel = "DIR", description = "Directory of the secrets project destinations name (key exporter.secrets.dir).")
    String secretsDir;

    @Override
    public Integer call() throws Exception {
        connection.setIfGiven(ExporterConfig.EXPORTER_ID.name(), exporterId);
        connection.setIfGiven(ExporterConfig.SECRETS_DIR.name(), secretsDir);
        RadflowConfig config = connection.load(ExporterConfig.FULL);
        ResultsExporter exporter = new ResultsExporter(config);
        return ServiceRunner.runUntilStopped(exporter, spec.commandLine().getOut(), "Results exporter " + exporter.exporterId()
                + " is running (group " + config.get(ExporterConfig.GROUP_ID) + ").");
    }
}
