package io.radflow.common.error;

/**
 * Why something failed, in one vocabulary for the whole pipeline. Each reason says whether trying
 * again can help: workers retry retriable reasons with backoff and send the rest to a DLQ.
 */
public enum Reason {
    // Configuration and start-up
    BAD_CONFIG(false),

    // Schema registry and serdes
    SCHEMA_REGISTRY_UNREACHABLE(true),
    SCHEMA_REGISTRY_ERROR(true),
    SUBJECT_NOT_FOUND(false),
    SCHEMA_NOT_FOUND(false),
    INCOMPATIBLE_SCHEMA(false),
    INVALID_SCHEMA(false),
    NOT_CONFLUENT_FRAMED(false),
    UNDECODABLE_RECORD(false),

    // Events
    MALFORMED_EVENT(false),
    MISSING_FIELD(false),
    UNKNOWN_PROJECT(false),
    UNKNOWN_MODEL(false),

    // Content
    CONTENT_NOT_FOUND(false),
    CONTENT_FETCH_FAILED(true),
    CONTENT_FETCH_TIMEOUT(true),
    UNREADABLE_DICOM(false),
    /** Pixel data in a transfer syntax that no codec of this installation decodes. */
    UNSUPPORTED_TRANSFER_SYNTAX(false),
    CONTENT_CORRUPT(false),

    // Ingestion sources (Orthanc and other upload systems)
    SOURCE_UNAVAILABLE(true),

    // Models
    MODEL_LOAD_FAILED(false),
    MODEL_ERROR(false),
    MODEL_TIMEOUT(true),
    RUNTIME_CRASHED(true),
    RUNTIME_UNAVAILABLE(true),
    INVALID_OUTPUT(false),
    /** A result record larger than the producer may send (max.request.size). */
    OUTPUT_TOO_LARGE(false),

    // Results export (DICOM written back to a project's PACS)
    /** Results that cannot become DICOM (a mask whose size differs from its source frame, a missing source). */
    EXPORT_INVALID_RESULT(false),
    /** The destination could not be reached or answered 5xx / 429: tried again with backoff. */
    DESTINATION_UNAVAILABLE(true),
    /** The destination refused the credentials (401, 403). */
    DESTINATION_UNAUTHORIZED(false),
    /** The destination refused an object (a 4xx, a STOW failure, a C-STORE error status). */
    DESTINATION_REJECTED(false),

    // Requests to a service's API (the registry's REST API maps these to HTTP statuses)
    INVALID_REQUEST(false),
    INVALID_ARTIFACT(false),
    PAYLOAD_TOO_LARGE(false),
    UNAUTHENTICATED(false),
    FORBIDDEN(false),
    NOT_FOUND(false),
    ALREADY_EXISTS(false),
    CONCURRENT_MODIFICATION(true),
    PRECONDITION_FAILED(false),
    WRITE_NOT_CONFIRMED(true),

    INTERNAL(false);

    private final boolean retriable;

    Reason(boolean retriable) {
        this.retriable = retriable;
    }

    /** True when the same operation may succeed if tried again later. */
    public boolean retriable() {
        return retriable;
    }
}
