package io.radflow.worker.runtime.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.radflow.common.lifecycle.ShutdownLatch;
import io.radflow.common.lifecycle.ShutdownSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A front end whose threads load ONNX models without pause until Ctrl-C or SIGTERM, as a worker
 * does when a burst of new models arrives; {@link OnnxShutdownIT} stops it with a signal.
 */
public final class OnnxSessionLoopMain {

    public static void main(String[] args) throws Exception {
        String model = args[0];
        ShutdownLatch shutdown = new ShutdownLatch();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> loaders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                         OrtSession session = env.createSession(model, options)) {
                        session.getInputInfo();
                    } catch (Exception e) {
                        System.out.println("load failed: " + e);
                    }
                }
            }, "loader-" + i);
            t.setDaemon(true); // as the worker's executors: nothing but the close waits for them
            t.start();
            loaders.add(t);
        }
        System.out.println("loading");
        try {
            shutdown.await();
            stop.set(true);
            for (Thread t : loaders) {
                t.join();
            }
            System.out.println("loaders stopped");
        } finally {
            shutdown.closed();
        }
        System.exit(ShutdownSignals.exitStatus(0));
    }
}
