package io.radflow.pixels;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import java.util.Objects;

/**
 * Pixel data of one instance could not be decoded. The {@link Problem} says why; the reason
 * follows from it: {@link Reason#UNSUPPORTED_TRANSFER_SYNTAX} when no codec here decodes the
 * syntax, {@link Reason#BAD_CONFIG} or {@link Reason#RUNTIME_UNAVAILABLE} when the codec
 * processes cannot run at all (nothing wrong with the instance), and {@link Reason#UNREADABLE_DICOM}
 * for everything about the instance itself. Failures of the DICOM reader on native pixel data
 * arrive as {@link io.radflow.dicom.DicomReadException} (also UNREADABLE_DICOM) instead.
 */
public final class PixelDecodeException extends RadflowException {

    /** What stopped the decoder. */
    public enum Problem {
        /** No codec of this installation decodes the transfer syntax (the message names its UID). */
        UNSUPPORTED_TRANSFER_SYNTAX(Reason.UNSUPPORTED_TRANSFER_SYNTAX),
        /** The instance has no Pixel Data, or was read header-only. */
        NO_PIXEL_DATA(Reason.UNREADABLE_DICOM),
        /** The attributes describing the pixels are missing or impossible. */
        BAD_GEOMETRY(Reason.UNREADABLE_DICOM),
        /** The decoded (or compressed) pixel data would exceed pixels.codec.max.decoded.bytes. */
        TOO_LARGE(Reason.UNREADABLE_DICOM),
        /** GDCM refused or failed on the compressed stream. */
        CODEC_FAILED(Reason.UNREADABLE_DICOM),
        /** Decoding took longer than pixels.codec.decode.timeout; the codec process was killed. */
        TIMEOUT(Reason.UNREADABLE_DICOM),
        /** The codec process died while decoding (a crash in native code, or killed). */
        CODEC_CRASHED(Reason.UNREADABLE_DICOM),
        /** The codec process is misconfigured here (GDCM or java missing): no instance can decode. */
        CODEC_MISCONFIGURED(Reason.BAD_CONFIG),
        /** The codec process did not start, or the decoder was closed. */
        CODEC_UNAVAILABLE(Reason.RUNTIME_UNAVAILABLE);

        private final Reason reason;

        Problem(Reason reason) {
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final Problem problem;

    public PixelDecodeException(Problem problem, String message) {
        this(problem, message, null);
    }

    public PixelDecodeException(Problem problem, String message, Throwable cause) {
        super(Objects.requireNonNull(problem, "problem").reason(), message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
