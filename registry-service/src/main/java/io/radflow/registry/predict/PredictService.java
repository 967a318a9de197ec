package io.radflow.registry.predict;

import io.radflow.common.error.Reason;
import io.radflow.content.ContentStore;
import io.radflow.content.StoredContent;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.SopClasses;
import io.radflow.registry.RegistryException;
import io.radflow.registry.RegistryMetrics;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.commands.ModelService;
import io.radflow.registry.commands.TopicWriter;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.routing.InstanceRouting;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import io.radflow.schemas.jobs.JobIds;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Synchronous prediction (Neurodeploy's predict endpoint): the request's DICOM files go to the
 * content store, one {@link InferenceJob} for the model's active version goes to
 * {@code inference-jobs}, the same topic and the same workers as auto-run (no second inference
 * path), and the request waits for that job's outcome through the shared {@link PredictReplies}.
 * The job id is the correlation id.
 */
public final class PredictService {

    /** Job ids of predict requests start with this (they are random: two calls are two jobs). */
    /** The datasetId of predict jobs and their predictions: the files belong to no uploaded dataset. */
    public static final String DATASET_ID = "predict";

    /** One file of a request, as it came. */
    public record PredictFile(String name, byte[] bytes) {
    }

    /** What the caller gets: the job and how it ended (null outcome: the time limit passed first). */
    public record Result(ModelSettings model, InferenceJob job, PredictReplies.Outcome outcome, Duration waited) {
    }

    private final ModelService models;
    private final ContentStore content;
    private final TopicWriter writer;
    private final PredictReplies replies;
    private final RegistryMetrics metrics;
    private final Clock clock;
    private final Duration timeout;
    private final Duration writeTimeout;

    public PredictService(ModelService models, ContentStore content, TopicWriter writer, PredictReplies replies,
                          RegistryMetrics metrics, Clock clock, Duration timeout, Duration writeTimeout) {
        this.models = models;
        this.content = content;
        this.writer = writer;
        this.replies = replies;
        this.metrics = metrics;
        this.clock = clock;
        this.timeout = timeout;
        this.writeTimeout = writeTimeout;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Runs the model's active version over the files and waits for the outcome.
     *
     * @throws RegistryException 401 for an anonymous caller and a model that is not public (or not
     *         there), 404 for a model the caller may not read, 400 for files that are not DICOM or
     *         do not form what the version's scope takes, or a model without a version
     */
    public Result predict(Caller caller, String modelName, String projectId, List<PredictFile> files) {
        Instant started = clock.instant();
        ModelSettings model = find(caller, modelName, projectId);
        if (model.getArchivedAt() != null) {
            throw RegistryException.conflict("model '" + model.getName() + "' is deleted (archived); restore it to predict with it");
        }
        ModelVersion version = activeVersion(model);
        if (files.isEmpty()) {
            throw RegistryException.invalid("no DICOM file in the request: send one as the application/dicom body, "
                    + "or one or more as multipart/form-data parts");
        }
        List<Checked> checked = new ArrayList<>(files.size());
        for (PredictFile f : files) {
            checked.add(check(f, version));
        }
        String scopeUid = scopeUid(version.getScope(), checked);
        Instant now = clock.instant();
        List<JobInstance> instances = new ArrayList<>(checked.size());
        for (Checked c : checked) {
            StoredContent stored = content.put(new ByteArrayInputStream(c.file.bytes()));
            instances.add(JobInstance.newBuilder().setStudyInstanceUid(c.attributes.studyInstanceUid())
                    .setSeriesInstanceUid(c.attributes.seriesInstanceUid()).setSopInstanceUid(c.attributes.sopInstanceUid())
                    .setInstanceNumber(c.attributes.instanceNumber()).setNumberOfFrames(c.frames)
                    .setContent(ContentRef.newBuilder().setUri(stored.uri().toString()).setContentType("application/dicom")
                            .setSizeBytes(stored.sizeBytes()).setSha256(stored.sha256()).build())
                    .setUploadedAt(now).build());
        }
        instances.sort(Comparator.comparing(JobInstance::getSeriesInstanceUid)
                .thenComparing(JobInstance::getInstanceNumber, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(JobInstance::getSopInstanceUid));
        String jobId = JobIds.PREDICT_PREFIX + UUID.randomUUID();
        InferenceJob job = InferenceJob.newBuilder().setJobId(jobId).setProjectId(model.getProjectId()).setDatasetId(DATASET_ID)
                .setModelId(model.getModelId()).setModelVersion(version.getVersion()).setScope(version.getScope())
                .setScopeUid(scopeUid).setStudyInstanceUid(instances.get(0).getStudyInstanceUid()).setInstances(instances)
                .setTrigger(JobTrigger.MANUAL).setArgs(version.getDefaultArgs()).setCreatedAt(now).build();

        // Wait before publishing: the reply reader must not be able to pass the outcome by.
        CompletableFuture<PredictReplies.Outcome> reply = replies.await(jobId);
        String scope = version.getScope().name().toLowerCase(Locale.ROOT);
        try {
            writer.write(TopicCatalog.INFERENCE_JOBS, jobId, job, writeTimeout);
            Duration left = timeout.minus(Duration.between(started, clock.instant()));
            PredictReplies.Outcome outcome = reply.get(Math.max(1, left.toMillis()), TimeUnit.MILLISECONDS);
            Duration took = Duration.between(started, clock.instant());
            metrics.predict(scope, outcome.status().getState().name().toLowerCase(Locale.ROOT), took);
            return new Result(model, job, outcome, took);
        } catch (TimeoutException e) {
            Duration took = Duration.between(started, clock.instant());
            metrics.predict(scope, "timeout", took);
            return new Result(model, job, null, took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(Reason.INTERNAL, "interrupted while waiting for job " + jobId, e);
        } catch (ExecutionException e) {
            throw new RegistryException(Reason.INTERNAL,
                    "the predict reply reader failed: " + e.getCause(), e.getCause());
        } finally {
            replies.forget(jobId);
        }
    }

    /**
     * The model, as GET finds it; an anonymous caller who cannot see it is asked for a key (401),
     * with the same answer whether the model is private or absent.
     */
    private ModelSettings find(Caller caller, String name, String projectId) {
        try {
            return models.find(caller, name, projectId);
        } catch (RegistryException e) {
            if (caller.anonymous() && e.reason() == Reason.NOT_FOUND) {
                throw RegistryException.unauthenticated("no public model '" + name + "'"
                        + (projectId == null ? "" : " in project '" + projectId + "'")
                        + "; predicting with a private model takes an API key (Authorization: Bearer ...)");
            }
            throw e;
        }
    }

    private record Checked(PredictFile file, DicomAttributes attributes, int frames) {
    }

    private static Checked check(PredictFile f, ModelVersion version) {
        DicomFile dicom;
        try {
            dicom = DicomReader.headerOnly().read(f.bytes());
        } catch (DicomReadException e) {
            throw RegistryException.invalid("file '" + f.name() + "' is not a DICOM file this service can read: " + e.getMessage());
        }
        DicomAttributes a = dicom.attributes();
        if (!a.identifiesInstance()) {
            throw RegistryException.invalid("file '" + f.name() + "' lacks a Study, Series or SOP Instance UID");
        }
        RoutingRules rules = version.getRouting() != null ? version.getRouting() : RoutingRules.newBuilder().build();
        InstanceRouting.InstanceFacts facts = new InstanceRouting.InstanceFacts(SopClasses.isImage(a.sopClassUid(), dicom.containsPixelData()),
                a.sopClassUid(), a.modality(), a.bodyPartExamined(), a.seriesDescription());
        InstanceRouting.of(rules).leftOut(facts).ifPresent(why -> {
            throw RegistryException.invalid("file '" + f.name() + "' is not an instance version " + version.getVersion()
                    + " takes (" + why.tag() + ": modality " + a.modality() + ", SOP class " + a.sopClassUid() + ")");
        });
        return new Checked(f, a, dicom.numberOfFrames());
    }

    /** The UID the job covers; the files must form exactly one instance, series or study as the scope needs. */
    static String scopeUid(Scope scope, List<Checked> files) {
        Set<String> sops = new HashSet<>();
        for (Checked c : files) {
            if (!sops.add(c.attributes.sopInstanceUid())) {
                throw RegistryException.invalid("SOP instance " + c.attributes.sopInstanceUid() + " is in the request twice");
            }
        }
        Set<String> studies = distinct(files, c -> c.attributes.studyInstanceUid());
        Set<String> series = distinct(files, c -> c.attributes.seriesInstanceUid());
        return switch (scope) {
            case INSTANCE -> {
                if (files.size() != 1) {
                    throw RegistryException.invalid("the model's active version has INSTANCE scope: send one file, not " + files.size());
                }
                yield files.get(0).attributes.sopInstanceUid();
            }
            case SERIES -> {
                if (series.size() != 1 || studies.size() != 1) {
                    throw RegistryException.invalid("the model's active version has SERIES scope: the files must be of one series, not "
                            + series.size());
                }
                yield series.iterator().next();
            }
            case STUDY -> {
                if (studies.size() != 1) {
                    throw RegistryException.invalid("the model's active version has STUDY scope: the files must be of one study, not "
                            + studies.size());
                }
                yield studies.iterator().next();
            }
        };
    }

    private static Set<String> distinct(List<Checked> files, Function<Checked, String> uid) {
        Set<String> out = new HashSet<>();
        files.forEach(c -> out.add(uid.apply(c)));
        return out;
    }

    private static ModelVersion activeVersion(ModelSettings model) {
        List<ModelVersion> versions = model.getVersions();
        return (model.getActiveVersion() == null
                ? versions.stream().max(Comparator.comparingInt(ModelVersion::getVersion))
                : versions.stream().filter(v -> Objects.equals(v.getVersion(), model.getActiveVersion())).findFirst())
                .orElseThrow(() -> RegistryException.invalid("model '" + model.getName() + "' has no version to predict with; add one first"));
    }
}
