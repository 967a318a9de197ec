package io.radflow.worker;

import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.schemas.avro.Device;
import io.radflow.worker.preprocess.DicomModuleImages;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelRuntime;
import io.radflow.worker.runtime.ModelSpec;
import io.radflow.worker.runtime.onnx.OnnxRuntime;
import io.radflow.worker.runtime.onnx.OnnxSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        OnnxRuntime onnx = new OnnxRuntime(new OnnxSettings(Device.CPU, 0, 1), new DicomModuleImages());
        InferenceWorker worker = InferenceWorker.builder(config).runtime(delayMs > 0 ? slow(onnx, delayMs) : onnx).build();
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
        worker.start();
        while (!worker.assigned()) {
            Thread.sleep(50);
        }
        System.out.println("ASSIGNED");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static ModelRuntime slow(ModelRuntime inner, long delayMs) {
        return new ModelRuntime() {
            @Override
            public io.radflow.schemas.avro.RuntimeKind kind() {
                return inner.kind();
            }

            @Override
            public LoadedModel load(ModelSpec spec) {
                LoadedModel m = inner.load(spec);
                return new LoadedModel() {
                    @Override
                    public ModelSpec spec() {
                        return m.spec();
                    }

                    @Override
                    public Device device() {
                        return m.device();
                    }

                    @Override
                    public List<ItemResult> run(List<ModelRequest> batch, Duration timeout) {
                        try {
                            Thread.sleep(delayMs);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return m.run(batch, timeout);
                    }

                    @Override
                    public boolean healthy() {
                        return m.healthy();
                    }

                    @Override
                    public void close() {
                        m.close();
                    }
                };
            }

            @Override
            public boolean healthy() {
                return inner.healthy();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
