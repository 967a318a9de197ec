package io.radflow.registry.artifacts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Artifacts for tests: a real ONNX model (made by python3-onnx, see make_identity.py) and MD.ai packages. */
public final class TestArtifacts {

    private TestArtifacts() {
    }

    public static final String DEPLOY_PY = """
            import numpy as np

            class MDAIModel:
                def __init__(self):
                    self.threshold = 0.5

                def predict(self, data):
                    return [{"type": "NONE", "study_uid": f["study_uid"]} for f in data["files"]]
            """;

    public static byte[] onnx() {
        try (InputStream in = TestArtifacts.class.getResourceAsStream("/models/identity.onnx")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid MD.ai package at the zip's root. */
    public static Map<String, String> mdaiFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(".mdai/config.yaml", "base_image: py38\ndevice_type: gpu\ncuda_version: 11.0\n");
        files.put(".mdai/mdai_deploy.py", DEPLOY_PY);
        files.put("requirements.txt", "numpy\n");
        files.put("model/weights.bin", "0123456789");
        return files;
    }

    public static byte[] mdaiZip() {
        return zip(mdaiFiles());
    }

    public static byte[] zip(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var e : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
