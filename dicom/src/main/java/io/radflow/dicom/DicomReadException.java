package io.radflow.dicom;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;
import java.util.Objects;

/**
 * The only exception the DICOM reader throws (reason {@link Reason#UNREADABLE_DICOM}, never
 * retriable): the input is not DICOM, is cut short, is malformed, holds an attribute value the
 * pipeline cannot use, or uses a feature the reader does not support. The message names the
 * element and the byte offset where reading stopped.
 */
public final class DicomReadException extends RadflowException {

    /** What kind of problem stopped the reader; callers use it to word warnings, not to retry. */
    public enum Problem {
        /** The bytes are not a DICOM file or data set at all (text, images, archives...). */
        NOT_DICOM,
        /** A length runs past the end of the input. */
        TRUNCATED,
        /** The structure is broken: bad VR, misplaced delimiter, nesting too deep, bad deflate stream. */
        MALFORMED,
        /** An attribute the pipeline uses has a value that cannot be parsed (e.g. Number of Frames '1A'). */
        INVALID_VALUE,
        /** Valid DICOM that this reader does not handle (e.g. bit-packed multi-frame not byte aligned). */
        UNSUPPORTED,
        /** The input exceeds a limit of the reader (2 GiB, or the inflated-size limit). */
        TOO_LARGE,
        /** The file could not be read from disk or stream. */
        IO
    }

    private final Problem problem;

    public DicomReadException(Problem problem, String message) {
        this(problem, message, null);
    }

    public DicomReadException(Problem problem, String message, Throwable cause) {
        super(Reason.UNREADABLE_DICOM, message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public Problem problem() {
        return problem;
    }
}
