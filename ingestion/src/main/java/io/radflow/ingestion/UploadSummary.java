package io.radflow.ingestion;

import java.util.List;

/**
 * What one upload did.
 *
 * @param problems one line per file that was not published, with the reason
 */
public record UploadSummary(int instances, int series, int studies, int markers, int notDicom, int unreadable,
                            int notInstances, int duplicates, List<String> problems) {

    public UploadSummary {
        problems = List.copyOf(problems);
    }

    /** True when every DICOM instance found was published (non-DICOM files are skipped, not failures). */
    public boolean complete() {
        return unreadable == 0;
    }
}
