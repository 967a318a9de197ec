package io.radflow.runs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./radflow runs}: run a model over data already there, and follow its runs, through the registry's REST API. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Run a model over data its project already holds, and follow runs.",
        subcommands = {RunsCommand.Create.class, RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Cancel.class})
public final class RunsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: create, list, show or cancel");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Start a run of MODEL over the project's data (all criteria given must hold) and print its id.",
                "With --wait, follow it to the end (progress on stderr) and exit 1 if any job failed or was cancelled."})
    static final class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        RegistryClient registry;

        @Parameters(paramLabel = "MODEL", description = "The model's name.")
        String model;

        @Option(names = "--project", required = true, paramLabel = "ID", description = "The model's project.")
        String project;

        @Option(names = "--dataset", paramLabel = "ID", description = "Only this dataset.")
        String dataset;

        @Option(names = "--study", paramLabel = "UID", description = "Only these studies (repeatable).")
        List<String> studies = new ArrayList<>();

        @Option(names = "--series", paramLabel = "UID", description = "Only these series (repeatable).")
        List<String> series = new ArrayList<>();

        @Option(names = "--modality", paramLabel = "M", description = "Only these modalities (repeatable), e.g. CT.")
        List<String> modalities = new ArrayList<>();

        @Option(names = "--uploaded-from", paramLabel = "TIME", description = "Only data uploaded at or after (ISO-8601).")
        String uploadedFrom;

        @Option(names = "--uploaded-to", paramLabel = "TIME", description = "Only data uploaded before (ISO-8601).")
        String uploadedTo;

        @Option(names = "--version", paramLabel = "N", description = "The version to run (default: the active one).")
        Integer version;

        @Option(names = "--wait", description = "Follow the run until every job finished.")
        boolean waitForIt;

        @Override
        public Integer call() throws InterruptedException {
            Map<String, Object> body = new LinkedHashMap<>();
            putIf(body, "dataset", dataset);
            putIf(body, "studies", studies.isEmpty() ? null : studies);
            putIf(body, "series", series.isEmpty() ? null : series);
            putIf(body, "modalities", modalities.isEmpty() ? null : modalities);
            putIf(body, "uploadedFrom", uploadedFrom);
            putIf(body, "uploadedTo", uploadedTo);
            putIf(body, "version", version);
            JsonNode started = registry.post("/ml-models/" + RegistryClient.query(model) + "/runs?project=" + RegistryClient.query(project), body);
            PrintWriter out = spec.commandLine().getOut();
            String runId = started.get("runId").asText();
            out.println("run " + runId + ": " + started.get("jobs").asInt() + " jobs over " + started.get("instances").asInt()
                    + " instances (" + started.get("leftOut").asInt() + " left out by the version's routing rules), version "
                    + started.get("version").asInt() + ", " + started.get("scope").asText().toLowerCase(java.util.Locale.ROOT) + " scope");
            out.flush();
            if (!waitForIt) {
                return 0;
            }
            JsonNode run = follow(runId, started.get("jobs").asInt());
            printRun(out, run);
            return run.get("failed").asInt() > 0 || run.get("cancelled").asInt() > 0 ? 1 : 0;
        }

        private JsonNode follow(String runId, int jobs) throws InterruptedException {
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("run " + runId).setStyle(ProgressBarStyle.ASCII)
                    .setInitialMax(jobs).setUnit(" jobs", 1).setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
                while (true) {
                    JsonNode run = registry.get("/runs/" + runId);
                    bar.stepTo(run.get("succeeded").asInt() + run.get("failed").asInt() + run.get("cancelled").asInt());
                    bar.setExtraMessage(run.get("failed").asInt() > 0 ? run.get("failed").asInt() + " failed" : "");
                    String state = run.get("state").asText();
                if (!"RUNNING".equals(state) && !"CANCELLING".equals(state)) {
                        return run;
                    }
                    Thread.sleep(Duration.ofSeconds(1).toMillis());
                }
            }
        }

        private static void putIf(Map<String, Object> body, String name, Object value) {
            if (value != null) {
                body.put(name, value);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The runs of MODEL, newest first.")
    static final class ListRuns implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        RegistryClient registry;

        @Parameters(paramLabel = "MODEL", description = "The model's name.")
        String model;

        @Option(names = "--project", paramLabel = "ID", description = "The model's project (when several visible models share the name).")
        String project;

        @Override
        public Integer call() {
            JsonNode runs = registry.get("/ml-models/" + RegistryClient.query(model) + "/runs"
                    + (project == null ? "" : "?project=" + RegistryClient.query(project))).get("runs");
            PrintWriter out = spec.commandLine().getOut();
            out.println(String.join("\t", "RUN", "STATE", "VERSION", "JOBS", "SUCCEEDED", "FAILED", "REQUESTED BY", "REQUESTED AT"));
            for (JsonNode r : runs) {
                out.println(String.join("\t", r.get("runId").asText(), r.get("state").asText(), r.get("version").asText(),
                        r.get("expected").asText(), r.get("succeeded").asText(), r.get("failed").asText(), r.get("requestedBy").asText(),
                        r.get("requestedAt").asText()));
            }
            out.flush();
            return 0;
        }
    }

    /** A command on one run: asks the registry, prints the run it answers with. */
    abstract static class OneRun implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        RegistryClient registry;

        @Parameters(paramLabel = "RUN", description = "The run's id.")
        String runId;

        abstract JsonNode ask(RegistryClient registry, String path);

        @Override
        public Integer call() {
            printRun(spec.commandLine().getOut(), ask(registry, "/runs/" + RegistryClient.query(runId)));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One run and how far its jobs got.")
    static final class Show extends OneRun {

        @Override
        JsonNode ask(RegistryClient registry, String path) {
            return registry.get(path);
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a run: workers skip its jobs that have not started; those running finish.")
    static final class Cancel extends OneRun {

        @Override
        JsonNode ask(RegistryClient registry, String path) {
            return registry.delete(path);
        }
    }

    static void printRun(PrintWriter out, JsonNode run) {
        run.fields().forEachRemaining(f -> out.println(f.getKey() + ": " + (f.getValue().isValueNode() ? f.getValue().asText()
                : f.getValue().toString())));
        out.flush();
    }
}
