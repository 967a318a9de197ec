package io.radflow.worker.runtime.mdai;

import java.nio.file.Path;

/**
 * An unpacked MD.ai model package.
 *
 * @param root the package root: the folder holding {@code .mdai/}; the model's working directory
 */
public record MdaiPackage(Path root) {

    public Path mdaiDir() {
        return root.resolve(".mdai");
    }
}
