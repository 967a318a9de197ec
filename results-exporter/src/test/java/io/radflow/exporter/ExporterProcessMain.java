package io.radflow.exporter;

import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import java.nio.file.Path;

/** An exporter in a JVM of its own, for the crash test: {@code ExporterProcessMain <config.properties>}; prints ASSIGNED once it owns partitions. */
public final class ExporterProcessMain {

    private ExporterProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        RadflowConfig config = RadflowConfig.load(ExporterConfig.FULL, ConfigSource.propertiesFile(Path.of(args[0])));
        ResultsExporter exporter = new ResultsExporter(config);
        Runtime.getRuntime().addShutdownHook(new Thread(exporter::close));
        exporter.start();
        while (!exporter.assigned()) {
            Thread.sleep(50);
        }
        System.out.println("ASSIGNED");
        System.out.flush();
        Thread.currentThread().join();
    }
}
