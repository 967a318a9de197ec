package io.radflow.pixels;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.pixels.host.CodecHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** pydicom's sample files (Debian's python3-pydicom) and settings the codec tests share. */
final class TestFiles {

    static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    private TestFiles() {
    }

    static Path pydicom(String name) {
        assertThat(PYDICOM).as("pydicom's test files at %s are missing: the test command installs them "
                + "(apt-get install python3-pydicom)", PYDICOM).isDirectory();
        return PYDICOM.resolve(name);
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(pydicom(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DicomFile read(String name) {
        return DicomReader.standard().read(bytes(name));
    }

    /** Settings whose codec processes accept test faults (hang, crash), with a short decode timeout. */
    static CodecSettings withTestHooks(int processes, java.time.Duration timeout) {
        CodecSettings d = CodecSettings.defaults();
        List<String> options = new ArrayList<>(d.hostJvmOptions());
        options.add("-D" + CodecHost.TEST_HOOKS_PROPERTY + "=true");
        return d.withHostJvmOptions(options).withProcesses(processes).withDecodeTimeout(timeout);
    }
}
