package io.radflow.exporter;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;

/** A failure while turning results into DICOM or storing them; its reason says whether to retry. */
public final class ExportException extends RadflowException {

    public ExportException(Reason reason, String message) {
        super(reason, message);
    }

    public ExportException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
