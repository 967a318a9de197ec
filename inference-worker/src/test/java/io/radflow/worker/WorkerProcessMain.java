package io.radflow.worker;

import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.preprocess.TestDicomImages;
import io.radflow.worker.runtime.onnx.OnnxRuntime;
import io.radflow.worker.runtime.onnx.OnnxSettings;
import java.nio.file.Path;

/**
 * A worker in a JVM of its own, for the crash test: {@code WorkerProcessMain <config.properties>
 * [batchDelayMs]}. With a delay, every batch takes at least that long (the ONNX runtime wrapped),
 * so a kill lands in the middle of the work. Prints {@code ASSIGNED} once it owns partitions.
 */
public final class WorkerProcessMain {

    private WorkerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        RadflowConfig config = RadflowConfig.load(WorkerConfig.FULL, ConfigSource.propertiesFile(Path.of(args[0])));
        long delayMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
        OnnxRuntime onnx = new OnnxRuntime(new OnnxSettings(Device.CPU, 0, 1), TestDicomImages.shared());
        InferenceWorker worker = InferenceWorker.builder(config).runtime(delayMs > 0 ? new SlowRuntime(onnx, delayMs) : onnx).build();
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
        worker.start();
        while (!worker.assigned()) {
            Thread.sleep(50);
        }
        System.out.println("ASSIGNED");
        System.out.flush();
        Thread.currentThread().join();
    }
}
