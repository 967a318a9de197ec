package io.radflow.worker.local;

/** Input a local run cannot use (not an export, no such version, no DICOM to run on): the user's to fix. */
public final class LocalRunException extends RuntimeException {

    public LocalRunException(String message) {
        super(message);
    }
}
