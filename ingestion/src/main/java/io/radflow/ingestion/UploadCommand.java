package io.radflow.ingestion;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./radflow upload --project P --dataset D PATH...}: the file and folder uploader. */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = {"Upload DICOM files and folders: store each instance in the content store and publish it on "
                + "dataset-uploads, then an upload-completed marker per series and per study.",
            "Non-DICOM files are skipped with a warning. Running it again publishes the same event ids.",
            "Exit code 0 when every DICOM instance was published, 1 when some files were unreadable or Kafka failed, "
                + "2 for bad options or configuration."})
public final class UploadCommand implements Callable<Integer> {

    /** The keys the uploader reads. */
    public static final ConfigDefinition DEFINITION = CommonConfig.DEFINITION.and(StorageConfig.DEFINITION);

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--project", required = true, paramLabel = "PROJECT", description = "Project id the data belongs to.")
    String project;

    @Option(names = "--dataset", required = true, paramLabel = "DATASET", description = "Dataset id within the project.")
    String dataset;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr (default: on).")
    boolean progress;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "DICOM files and folders (walked recursively).")
    List<Path> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (project.isBlank() || dataset.isBlank()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--project and --dataset must not be blank");
        }
        List<Path> files;
        try {
            files = Uploader.files(paths);
        } catch (RadflowException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RadflowConfig config = connection.load(DEFINITION);
        TopicProvisioner.prepare(config, List.of(TopicCatalog.DATASET_UPLOADS));
        UploadEvents events = new UploadEvents("uploader", project, dataset, Clock.systemUTC());
        FileContentStore store = new FileContentStore(config.get(StorageConfig.CONTENT_STORE_DIR));
        UploadSummary summary;
        try (KafkaProducer<String, SpecificRecord> producer = IngestionKafka.producer(config, IngestionKafka.serdes(config),
                "radflow-uploader", null)) {
            Uploader uploader = new Uploader(producer, store, events, new IngestionMetrics(new SimpleMeterRegistry(), "uploader"));
            try (ProgressBar bar = progress ? bar() : null) {
                summary = uploader.upload(files, bar == null ? Uploader.Progress.NONE : new Uploader.Progress() {
                    @Override
                    public void start(int count) {
                        bar.maxHint(count);
                    }

                    @Override
                    public void done(Path file) {
                        bar.step();
                    }
                });
            }
        }
        out.printf("Published %d instances in %d series of %d studies to dataset-uploads (project %s, dataset %s), and %d "
                        + "upload-completed markers.%n", summary.instances(), summary.series(), summary.studies(), project, dataset,
                summary.markers());
        if (summary.notDicom() + summary.notInstances() + summary.duplicates() > 0) {
            out.printf("Skipped %d non-DICOM files, %d DICOM files that are not instances (DICOMDIR...), %d second copies.%n",
                    summary.notDicom(), summary.notInstances(), summary.duplicates());
        }
        if (!summary.complete()) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("%d DICOM files could not be read and were not published:%n", summary.unreadable());
            summary.problems().forEach(p -> err.println("  " + p));
            err.flush();
        }
        out.flush();
        return summary.complete() ? 0 : 1;
    }

    private ProgressBar bar() {
        PrintWriter err = spec.commandLine().getErr();
        PrintStream stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                err.write(b);
            }

            @Override
            public void flush() {
                err.flush();
            }
        }, true, StandardCharsets.UTF_8);
        return new ProgressBarBuilder().setTaskName("upload").setStyle(ProgressBarStyle.ASCII).setUnit(" files", 1)
                .setConsumer(new ConsoleProgressBarConsumer(stream)).continuousUpdate().build();
    }
}
