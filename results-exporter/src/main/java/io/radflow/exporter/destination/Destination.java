package io.radflow.exporter.destination;

import io.radflow.exporter.ExportObject;
import java.util.List;
import java.util.Map;

/**
 * Where a project's DICOM results go. {@link #store} returns only once the destination has
 * confirmed every object; otherwise it throws an {@link io.radflow.exporter.ExportException}
 * whose reason says whether to try again (DESTINATION_UNAVAILABLE) or to give up
 * (DESTINATION_UNAUTHORIZED, DESTINATION_REJECTED).
 */
public interface Destination {

    /** Stores the objects; returns, per SOP instance UID, where each was kept when that is a content URI (else nothing). */
    Map<String, String> store(List<ExportObject> objects);

    /** The destination as people read it in logs and records, without secrets. */
    String describe();

    /** STOW_RS, C_STORE or CONTENT_STORE: the metrics tag. */
    default String kind() {
        return describe().split(" ", 2)[0];
    }
}
