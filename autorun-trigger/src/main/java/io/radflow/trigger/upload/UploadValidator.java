package io.radflow.trigger.upload;

import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.CompletionLevel;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.UploadCompleted;
import java.util.Optional;

/**
 * Checks that a decoded upload event can drive auto-run: ids present, UIDs usable, the record keyed
 * by its study UID (so all of a study's events share a partition and its state), counts positive.
 * UIDs are checked leniently (at most 64 printable characters without spaces), because real
 * archives hold UIDs that bend DICOM's digits-and-dots rule and rejecting them would block data.
 */
public final class UploadValidator {

    static final int MAX_UID_LENGTH = 64;

    private UploadValidator() {
    }

    public static Optional<UploadProblem> check(String key, DatasetUploadEvent event) {
        String problem;
        if ((problem = id("eventId", event.getEventId())) != null
                || (problem = id("projectId", event.getProjectId())) != null
                || (problem = id("datasetId", event.getDatasetId())) != null
                || (problem = uid("studyInstanceUid", event.getStudyInstanceUid())) != null) {
            return Optional.of(classify(problem));
        }
        if (!event.getStudyInstanceUid().equals(key)) {
            return Optional.of(new UploadProblem(Reason.MALFORMED_EVENT, "record key '" + printable(key)
                    + "' is not the event's studyInstanceUid '" + event.getStudyInstanceUid()
                    + "'; dataset-uploads must be keyed by study UID"));
        }
        Object payload = event.getPayload();
        if (payload instanceof DataUploaded data) {
            return checkInstance(data);
        }
        if (payload instanceof UploadCompleted marker) {
            return checkMarker(marker);
        }
        return Optional.of(new UploadProblem(Reason.MALFORMED_EVENT, "payload is neither DataUploaded nor UploadCompleted: "
                + (payload == null ? "null" : payload.getClass().getSimpleName())));
    }

    private static Optional<UploadProblem> checkInstance(DataUploaded data) {
        String problem;
        if ((problem = uid("seriesInstanceUid", data.getSeriesInstanceUid())) != null
                || (problem = uid("sopInstanceUid", data.getSopInstanceUid())) != null) {
            return Optional.of(classify(problem));
        }
        if (data.getContent() == null || data.getContent().getUri() == null || data.getContent().getUri().isBlank()) {
            return Optional.of(new UploadProblem(Reason.MISSING_FIELD, "content.uri is missing: workers could not fetch the instance"));
        }
        if (data.getNumberOfFrames() < 1) {
            return Optional.of(new UploadProblem(Reason.MALFORMED_EVENT, "numberOfFrames must be at least 1, was " + data.getNumberOfFrames()));
        }
        if (data.getImagesInAcquisition() != null && data.getImagesInAcquisition() < 1) {
            return Optional.of(new UploadProblem(Reason.MALFORMED_EVENT, "imagesInAcquisition must be at least 1 when set, was "
                    + data.getImagesInAcquisition()));
        }
        return Optional.empty();
    }

    private static Optional<UploadProblem> checkMarker(UploadCompleted marker) {
        if (marker.getLevel() == CompletionLevel.SERIES) {
            String problem = uid("seriesInstanceUid", marker.getSeriesInstanceUid());
            if (problem != null) {
                return Optional.of(classify(problem + " (a SERIES completion marker names its series)"));
            }
        }
        if (marker.getInstanceCount() != null && marker.getInstanceCount() < 1) {
            return Optional.of(new UploadProblem(Reason.MALFORMED_EVENT, "instanceCount must be at least 1 when set, was "
                    + marker.getInstanceCount()));
        }
        return Optional.empty();
    }

    private static UploadProblem classify(String problem) {
        return new UploadProblem(problem.contains("is missing") ? Reason.MISSING_FIELD : Reason.MALFORMED_EVENT, problem);
    }

    private static String id(String field, String value) {
        if (value == null || value.isBlank()) {
            return field + " is missing";
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return field + " contains control characters";
            }
        }
        return null;
    }

    private static String uid(String field, String value) {
        if (value == null || value.isBlank()) {
            return field + " is missing";
        }
        if (value.length() > MAX_UID_LENGTH) {
            return field + " is longer than " + MAX_UID_LENGTH + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Below 0x7f the spaces and controls are exactly the characters up to ' '; the method calls
            // are left for the rest (this runs over every UID of every upload).
            if (c <= ' ' || c >= 0x7f && (Character.isWhitespace(c) || Character.isISOControl(c))) {
                return field + " '" + printable(value) + "' contains spaces or control characters";
            }
        }
        return null;
    }

    private static String printable(String s) {
        return s == null ? "null" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
