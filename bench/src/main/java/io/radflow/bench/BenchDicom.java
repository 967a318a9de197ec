package io.radflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --dicom FILE}: the DICOM file a benchmark's jobs run on, by default pydicom's CT_small.dcm. */
public final class BenchDicom {

    @Option(names = "--dicom", paramLabel = "FILE", defaultValue = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm",
            description = "DICOM file every job runs on (default: pydicom's CT_small.dcm, package python3-pydicom).")
    Path file;

    /** The file, or a usage error (exit 2) saying how to get one. */
    public Path require(CommandSpec spec) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "no DICOM file at " + file + " (install python3-pydicom or pass --dicom FILE)");
        }
        return file;
    }
}
