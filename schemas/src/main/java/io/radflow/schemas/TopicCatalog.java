package io.radflow.schemas;

import io.radflow.schemas.avro.ApiKey;
import io.radflow.schemas.avro.CloneCode;
import io.radflow.schemas.avro.CommandReply;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.IngestionCursor;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.ModelRun;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.RegistryCommand;
import io.radflow.schemas.avro.ResultsExported;
import io.radflow.schemas.avro.ReplayedDeadLetter;
import io.radflow.schemas.Topic.Cleanup;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every topic of Radflow, in one immutable place. Services, the embedded stack, the deploy
 * manifests and the tests all take topic names and layouts from here.
 */
public final class TopicCatalog {

    private TopicCatalog() {
    }

    private static final Optional<Long> KEEP_DEFAULT = Optional.empty();
    private static final Optional<Long> FOURTEEN_DAYS = Optional.of(Duration.ofDays(14).toMillis());
    private static final Optional<Long> ONE_DAY = Optional.of(Duration.ofDays(1).toMillis());
    private static final Optional<Long> ONE_HOUR = Optional.of(Duration.ofHours(1).toMillis());

    public static final Topic<String, ModelSettings> MODEL_SETTINGS = new Topic<>("model-settings",
            String.class, ModelSettings.class, 3, Cleanup.COMPACT, KEEP_DEFAULT,
            "Model id -> ModelSettings; source of truth for models and versions. Tombstone = purged.");

    public static final Topic<String, ProjectSettings> PROJECT_SETTINGS = new Topic<>("project-settings",
            String.class, ProjectSettings.class, 3, Cleanup.COMPACT, KEEP_DEFAULT,
            "Project id -> ProjectSettings: members, visibility, export disabled, site.");

    public static final Topic<String, DatasetUploadEvent> DATASET_UPLOADS = new Topic<>("dataset-uploads",
            String.class, DatasetUploadEvent.class, 6, Cleanup.DELETE, FOURTEEN_DAYS,
            "Study instance UID -> an instance arrived, or a series/study upload completed.");

    public static final Topic<String, DatasetUploadEvent> DATASET_INDEX = new Topic<>("dataset-index",
            String.class, DatasetUploadEvent.class, 6, Cleanup.COMPACT, KEEP_DEFAULT,
            "<project>/<study>/<series>/<instance UID> -> the instance's upload event: every instance a project holds, kept past the uploads topic's retention, for runs over existing data.");

    public static final Topic<String, InferenceJob> INFERENCE_JOBS = new Topic<>("inference-jobs",
            String.class, InferenceJob.class, 6, Cleanup.DELETE, FOURTEEN_DAYS,
            "Job id -> InferenceJob for one model version over an instance, series or study.");

    public static final Topic<String, InferenceJob> RUN_JOBS = new Topic<>("run-jobs",
            String.class, InferenceJob.class, 6, Cleanup.DELETE, FOURTEEN_DAYS,
            "Job id -> InferenceJob of a run (a model over data already there, a backfill); workers take them only while fresh auto-run jobs leave room.");

    public static final Topic<String, Prediction> PREDICTIONS = new Topic<>("predictions",
            String.class, Prediction.class, 6, Cleanup.DELETE, KEEP_DEFAULT,
            "Study instance UID -> one model output with job id, model version and provenance.");

    public static final Topic<String, JobFailure> INFERENCE_JOBS_DLQ = new Topic<>("inference-jobs-dlq",
            String.class, JobFailure.class, 3, Cleanup.DELETE, KEEP_DEFAULT,
            "Job id -> JobFailure: reason, message, attempts and the original coordinates.");

    public static final Topic<String, JobStatus> JOB_STATUS = new Topic<>("job-status",
            String.class, JobStatus.class, 6, Cleanup.COMPACT, KEEP_DEFAULT,
            "Job id -> latest JobStatus (QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED) with timings.");

    public static final Topic<byte[], byte[]> DATASET_UPLOADS_DLQ = new Topic<>("dataset-uploads-dlq",
            byte[].class, byte[].class, 1, Cleanup.DELETE, KEEP_DEFAULT,
            "Upload events the trigger could not use, byte for byte as consumed, with reason headers.");

    public static final Topic<String, ModelRun> MODEL_RUNS = new Topic<>("model-runs",
            String.class, ModelRun.class, 1, Cleanup.COMPACT, KEEP_DEFAULT,
            "Run id -> ModelRun: a request to run a model version over data already there (selection, expected jobs, who asked, cancelled).");

    public static final Topic<String, ReplayedDeadLetter> DEAD_LETTER_REPLAYS = new Topic<>("dead-letter-replays",
            String.class, ReplayedDeadLetter.class, 1, Cleanup.COMPACT, KEEP_DEFAULT,
            "<dead-letter topic>/<partition>/<offset> -> ReplayedDeadLetter: that dead letter was published again (./radflow dlq replay), so it never is twice.");

    public static final Topic<String, IngestionCursor> INGESTION_CURSORS = new Topic<>("ingestion-cursors",
            String.class, IngestionCursor.class, 1, Cleanup.COMPACT, KEEP_DEFAULT,
            "Source id -> how far that source (an Orthanc bridge) has published; committed in the same transaction as its events.");

    public static final Topic<String, ResultsExported> RESULTS_EXPORTED = new Topic<>("results-exported",
            String.class, ResultsExported.class, 3, Cleanup.DELETE, KEEP_DEFAULT,
            "Job id -> ResultsExported: the DICOM objects (SEG, SR, model DICOM) the results exporter stored, and where.");

    public static final Topic<String, JobFailure> RESULTS_EXPORT_DLQ = new Topic<>("results-export-dlq",
            String.class, JobFailure.class, 1, Cleanup.DELETE, KEEP_DEFAULT,
            "Job id -> JobFailure: a job whose results could not be exported (destination refused, bad input), with the reason.");

    // The registry service's own topics: its command log and replies, and state that is not model settings.
    public static final Topic<String, RegistryCommand> REGISTRY_COMMANDS = new Topic<>("registry-commands",
            String.class, RegistryCommand.class, 3, Cleanup.DELETE, ONE_DAY,
            "Project id -> a write (compare-and-set) for the registry's command processor, the single writer of model-settings and project-settings.");

    public static final Topic<String, CommandReply> REGISTRY_COMMAND_REPLIES = new Topic<>("registry-command-replies",
            String.class, CommandReply.class, 1, Cleanup.DELETE, ONE_HOUR,
            "Command id -> the command processor's answer (accepted with the new revision, or why not).");

    public static final Topic<String, ApiKey> REGISTRY_API_KEYS = new Topic<>("registry-api-keys",
            String.class, ApiKey.class, 1, Cleanup.COMPACT, KEEP_DEFAULT,
            "Key id -> ApiKey: user, admin flag and the SHA-256 of the secret (never the secret).");

    public static final Topic<String, CloneCode> REGISTRY_CLONE_CODES = new Topic<>("registry-clone-codes",
            String.class, CloneCode.class, 1, Cleanup.COMPACT, KEEP_DEFAULT,
            "SHA-256 of a clone code -> CloneCode: model, versions, creator (the code itself is never stored).");

    public static final List<Topic<?, ?>> ALL = List.of(MODEL_SETTINGS, PROJECT_SETTINGS, DATASET_UPLOADS, DATASET_INDEX,
            INFERENCE_JOBS, RUN_JOBS, PREDICTIONS, INFERENCE_JOBS_DLQ, JOB_STATUS, DATASET_UPLOADS_DLQ, MODEL_RUNS, DEAD_LETTER_REPLAYS, INGESTION_CURSORS,
            RESULTS_EXPORTED, RESULTS_EXPORT_DLQ, REGISTRY_COMMANDS, REGISTRY_COMMAND_REPLIES, REGISTRY_API_KEYS, REGISTRY_CLONE_CODES);

    public static Optional<Topic<?, ?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
