package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.sun.net.httpserver.HttpServer;
import io.radflow.content.FileContentStore;
import io.radflow.content.StoredContent;
import io.radflow.registry.api.Representations;
import io.radflow.registry.export.ModelExporter;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./radflow run-local} as a user runs it (Main's command line, in this JVM), on exports
 * written by the registry's own {@link ModelExporter}: an ONNX version, an MD.ai package (one that
 * needs a library from a wheelhouse built here, so it gets and then deletes its own environment)
 * and an HTTP endpoint, over pydicom's sample files; and every input it cannot use, exit code 2.
 */
class RunLocalCommandTest {

    private static final Path FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COLUMNS = List.of("type", "study_uid", "series_uid", "instance_uid", "frame_number",
            "class_index", "label_id", "label_name", "probability", "data", "note");

    @TempDir
    Path dir;

    private Path data;
    private StringWriter out;
    private StringWriter err;

    @BeforeEach
    void data() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        Files.copy(FILES.resolve("CT_small.dcm"), Files.createDirectories(data.resolve("ct")).resolve("ct.dcm"));
        Files.copy(FILES.resolve("MR_small.dcm"), Files.createDirectories(data.resolve("mr")).resolve("mr.dcm"));
        Files.writeString(data.resolve("README.txt"), "not DICOM");
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("run-local"));
        all.addAll(List.of(args));
        all.addAll(List.of("--set", "worker.mdai.work.dir=" + dir.resolve("work"), "--set", "worker.mdai.env.dir=" + dir.resolve("envs"),
                "--set", "worker.mdai.pip.find.links=" + dir.resolve("wheelhouse")));
        return cli.execute(all.toArray(String[]::new));
    }

    // --- exports, written by the registry's exporter ------------------------------------------------

    private Path export(String name, ModelVersion... versions) throws Exception {
        FileContentStore store = new FileContentStore(dir.resolve("store"));
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        ModelSettings model = ModelSettings.newBuilder(Events.model("model-" + name, "project-1", Scope.INSTANCE, now))
                .setName(name).setVersions(new ArrayList<>(List.of(versions))).build();
        Path zip = new ModelExporter(store, JSON, dir.resolve("scratch")).export(model, null, "alice", now, m -> {
            Map<String, Object> card = new HashMap<>();
            card.put("id", m.getModelId());
            card.put("name", m.getName());
            card.put("activeVersion", m.getActiveVersion());
            return card;
        }, Representations::version);
        return Files.move(zip, dir.resolve(name + ".zip"));
    }

    private ModelVersion version(int n, RuntimeKind runtime, Scope scope, String fileName, byte[] artifact, List<LabelClass> labels,
                                 Map<String, String> args) {
        ModelVersion.Builder v = ModelVersion.newBuilder().setVersion(n).setRuntime(runtime).setScope(scope).setLabelClasses(labels)
                .setDefaultArgs(args).setBatching(Batching.newBuilder().setMaxBatchSize(2).setMaxQueueDelayMs(10).build())
                .setCreatedAt(Instant.parse("2026-01-01T00:00:00Z"));
        if (artifact != null) {
            StoredContent c = new FileContentStore(dir.resolve("store")).put(new ByteArrayInputStream(artifact));
            v.setArtifact(Artifact.newBuilder().setUri(c.uri().toString()).setSha256(c.sha256()).setSizeBytes(c.sizeBytes())
                    .setFileName(fileName).build());
        }
        return v.build();
    }

    private static LabelClass label(int index, String id, String name, LabelType type, Scope scope, AnnotationMode mode) {
        return LabelClass.newBuilder().setClassIndex(index).setLabelId(id).setName(name).setType(type).setScope(scope)
                .setAnnotationMode(mode).build();
    }

    private static List<LabelClass> brightnessLabels() {
        return List.of(label(0, "L_dark", "Dark", LabelType.GLOBAL, Scope.INSTANCE, null),
                label(1, "L_bright", "Bright", LabelType.GLOBAL, Scope.INSTANCE, null));
    }

    private ModelVersion onnx(int n) throws IOException {
        return version(n, RuntimeKind.ONNX, Scope.INSTANCE, "brightness.onnx", DevSession.resource(DevSession.BRIGHTNESS_ONNX),
                brightnessLabels(), Map.of("output.activation", "softmax"));
    }

    private static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    // --- what it writes ---------------------------------------------------------------------------

    private static List<Map<String, String>> csv(Path file) throws IOException {
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class).readValues(file.toFile())) {
            List<String> header = it.next();
            assertThat(header).isEqualTo(COLUMNS);
            while (it.hasNext()) {
                List<String> cells = it.next();
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    row.put(header.get(i), cells.get(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void shouldRunAnExportedOnnxVersionOverAFolderAndWriteCsvAndJsonLines() throws Exception {
        Path zip = export("brightness", onnx(1));
        Path csv = dir.resolve("out").resolve("brightness.csv");

        assertThat(run(zip.toString(), data.toString(), "--output", csv.toString())).as(err.toString()).isZero();

        List<Map<String, String>> rows = csv(csv);
        List<JsonNode> lines = jsonLines(dir.resolve("out").resolve("brightness.jsonl"));
        assertThat(rows).hasSize(2);
        assertThat(lines).hasSize(2);
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> row = rows.get(i);
            JsonNode line = lines.get(i);
            assertThat(row.get("type")).isEqualTo("ANNOTATION");
            assertThat(row.get("label_id")).isIn("L_dark", "L_bright");
            assertThat(row.get("label_name")).isEqualTo(row.get("label_id").equals("L_dark") ? "Dark" : "Bright");
            assertThat(row.get("instance_uid")).isEqualTo(line.get("instance_uid").asText());
            assertThat(row.get("class_index")).isEqualTo(line.get("class_index").asText());
            JsonNode probability = JSON.readTree(row.get("probability"));
            assertThat(probability).isEqualTo(line.get("probability"));
            assertThat(row.get("probability")).as("one probability per class").startsWith("[{\"class_index\":0,\"probability\":");
            assertThat(probability).hasSize(2);
        }
        assertThat(out.toString()).contains("Model brightness version 1 (onnx, cpu): 2 request(s) over 2 DICOM image(s), "
                + "1 file(s) skipped", "succeeded 2, failed 0, outputs 2");
        assertThat(err.toString()).contains("[##############################] 2/2");
    }

    @Test
    void shouldRunTheChosenVersionOfAnMdaiPackageAtItsScope() throws Exception {
        Map<String, byte[]> pkg = new LinkedHashMap<>();
        for (String file : List.of(".mdai/config.yaml", ".mdai/mdai_deploy.py", ".mdai/requirements.txt")) {
            pkg.put(file, DevSession.resource("/io/radflow/demo/models/series-contrast/" + file));
        }
        List<LabelClass> labels = List.of(label(0, "L_high_contrast", "High contrast", LabelType.GLOBAL, Scope.SERIES, null),
                label(1, "L_brightest", "Brightest point", LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.LOCATION));
        Path zip = export("contrast", onnx(1), version(2, RuntimeKind.MDAI_PYTHON, Scope.SERIES, "series-contrast.zip", zip(pkg),
                labels, Map.of()));
        Path csv = dir.resolve("contrast.csv");

        assertThat(run(zip.toString(), data.toString(), "--version", "2", "--output", csv.toString(), "--delete-env"))
                .as(err.toString()).isZero();

        List<Map<String, String>> rows = csv(csv);
        assertThat(rows).hasSize(4); // two series, each: high contrast + brightest point
        assertThat(rows).extracting(r -> r.get("label_id")).containsOnly("L_high_contrast", "L_brightest");
        Map<String, String> point = rows.stream().filter(r -> r.get("label_id").equals("L_brightest")).findFirst().orElseThrow();
        JsonNode data = JSON.readTree(point.get("data"));
        assertThat(data.has("x") && data.has("y")).as(point.get("data")).isTrue();
        assertThat(out.toString()).contains("Model contrast version 2 (mdai-python, cpu): 2 request(s)", "succeeded 2, failed 0")
                .contains("no Python environment to delete: the model ran without one"); // Debian's pydicom and numpy suffice
    }

    /** A package whose model needs radflow-tinylib, which only the wheelhouse built here has. */
    private byte[] tinylibPackage(String requirements) throws Exception {
        Path wheelhouse = Files.createDirectories(dir.resolve("wheelhouse"));
        Path src = Files.createDirectories(dir.resolve("tinylib-src").resolve("radflow_tinylib"));
        Files.writeString(src.resolve("__init__.py"), "VERSION = '1.0'\n");
        Files.writeString(src.getParent().resolve("setup.py"), "from setuptools import setup\n"
                + "setup(name='radflow-tinylib', version='1.0', packages=['radflow_tinylib'])\n");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "--no-index", "--disable-pip-version-check", "-w", wheelhouse.toString(), src.getParent().toString())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PIP_"));
        pb.environment().put("PIP_CONFIG_FILE", "/dev/null");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        return zip(Map.of(
                "tiny/.mdai/config.yaml", "device_type: cpu\n".getBytes(StandardCharsets.UTF_8),
                "tiny/requirements.txt", requirements.getBytes(StandardCharsets.UTF_8),
                "tiny/.mdai/mdai_deploy.py", """
                        from io import BytesIO
                        import pydicom
                        import radflow_tinylib

                        class MDAIModel:
                            def predict(self, data):
                                out = []
                                for f in data["files"]:
                                    ds = pydicom.dcmread(BytesIO(f["content"]), stop_before_pixels=True)
                                    out.append({"type": "ANNOTATION", "study_uid": ds.StudyInstanceUID,
                                                "series_uid": ds.SeriesInstanceUID, "instance_uid": ds.SOPInstanceUID,
                                                "class_index": 0, "probability": 0.25,
                                                "note": "tinylib %s, \\"quoted\\", comma" % radflow_tinylib.VERSION})
                                return out
                        """.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldBuildAPackagesEnvironmentFromAWheelhouseAndDeleteItOnRequest() throws Exception {
        Path zip = export("tiny", version(1, RuntimeKind.MDAI_PYTHON, Scope.INSTANCE, "tiny.zip",
                tinylibPackage("radflow-tinylib==1.0\n"), List.of(label(0, "L_any", "Any", LabelType.GLOBAL, Scope.INSTANCE, null)),
                Map.of()));
        Path csv = dir.resolve("tiny.csv");

        assertThat(run(zip.toString(), data.resolve("ct").resolve("ct.dcm").toString(), "--output", csv.toString(), "--delete-env"))
                .as(err.toString()).isZero();

        List<Map<String, String>> rows = csv(csv);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("note")).isEqualTo("tinylib 1.0, \"quoted\", comma");
        assertThat(rows.get(0).get("probability")).isEqualTo("0.25");
        assertThat(Files.readAllLines(csv, StandardCharsets.UTF_8).get(1)).as("only what needs quotes is quoted")
                .startsWith("ANNOTATION,1.3.6.1.4.1.5962.1.2.1.20040119072730.12322,").endsWith(",\"tinylib 1.0, \"\"quoted\"\", comma\"");
        assertThat(jsonLines(dir.resolve("tiny.jsonl")).get(0).get("note").asText()).isEqualTo("tinylib 1.0, \"quoted\", comma");
        assertThat(out.toString()).contains("Python environment: " + dir.resolve("envs"), "(deleted)");
        try (Stream<Path> envs = Files.list(dir.resolve("envs"))) {
            assertThat(envs.filter(Files::isDirectory).toList()).as("the environment is gone").isEmpty();
        }
    }

    @Test
    void shouldFailWithExitOneNamingARequirementPipCannotInstall() throws Exception {
        Path zip = export("broken", version(1, RuntimeKind.MDAI_PYTHON, Scope.INSTANCE, "tiny.zip",
                tinylibPackage("radflow-tinylib==1.0\nradflow-not-in-the-wheelhouse>=2\n"),
                List.of(label(0, "L_any", "Any", LabelType.GLOBAL, Scope.INSTANCE, null)), Map.of()));

        assertThat(run(zip.toString(), data.toString(), "--output", dir.resolve("x.csv").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("MODEL_LOAD_FAILED", "cannot install requirement 'radflow-not-in-the-wheelhouse>=2'");
    }

    @Test
    void shouldListTheRequestsThatFailedAndExitOne() throws Exception {
        byte[] pkg = zip(Map.of(".mdai/mdai_deploy.py", """
                from io import BytesIO
                import pydicom

                class MDAIModel:
                    def predict(self, data):
                        ds = pydicom.dcmread(BytesIO(data["files"][0]["content"]), stop_before_pixels=True)
                        if ds.Modality == "MR":
                            raise ValueError("this model reads CT only")
                        return [{"type": "NONE", "study_uid": ds.StudyInstanceUID, "series_uid": ds.SeriesInstanceUID,
                                 "instance_uid": ds.SOPInstanceUID}]
                """.getBytes(StandardCharsets.UTF_8)));
        Path zip = export("ct-only", version(1, RuntimeKind.MDAI_PYTHON, Scope.INSTANCE, "ct-only.zip", pkg,
                List.of(label(0, "L_any", "Any", LabelType.GLOBAL, Scope.INSTANCE, null)), Map.of()));
        Path csv = dir.resolve("ct-only.csv");

        assertThat(run(zip.toString(), data.toString(), "--output", csv.toString())).isEqualTo(1);

        assertThat(csv(csv)).singleElement().satisfies(r -> {
            assertThat(r.get("type")).isEqualTo("NONE");
            assertThat(r.get("class_index")).isEmpty();
        });
        assertThat(out.toString()).contains("succeeded 1, failed 1, outputs 1", "FAILED 1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457: "
                + "MODEL_ERROR", "ValueError: this model reads CT only");
    }

    @Test
    void shouldRunAnHttpEndpointVersion() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/classes", e -> reply(e, "[{\"name\": \"Dark\", \"type\": \"tag\"}, {\"name\": \"Bright\", \"type\": \"tag\"}]"));
        server.createContext("/api/infer", e -> reply(e, "{\"status\": \"succeeded\", \"results\": [{\"name\": \"Bright\", "
                + "\"label\": \"Bright\", \"confidence\": 0.75, \"tag\": {}}]}"));
        server.start();
        try {
            ModelVersion v = ModelVersion.newBuilder(version(1, RuntimeKind.HTTP, Scope.INSTANCE, null, null, brightnessLabels(), Map.of()))
                    .setHttpEndpoint(HttpEndpoint.newBuilder().setUrl("http://127.0.0.1:" + server.getAddress().getPort()).build()).build();
            Path zip = export("remote", v);
            Path csv = dir.resolve("remote.csv");
            assertThat(run(zip.toString(), data.toString(), "--output", csv.toString())).as(err.toString()).isZero();
            List<Map<String, String>> rows = csv(csv);
            assertThat(rows).hasSize(2).allSatisfy(r -> {
                assertThat(r.get("label_id")).isEqualTo("L_bright");
                assertThat(r.get("probability")).isEqualTo("0.75");
            });
        } finally {
            server.stop(0);
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    // --- input it cannot use -------------------------------------------------------------------------

    @Test
    void shouldRefuseAFileThatIsNoExport() throws Exception {
        Path notZip = Files.writeString(dir.resolve("model.zip"), "not a zip");
        assertThat(run(notZip.toString(), data.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("run-local: model.zip is not a Radflow model export: not a zip archive");

        Path otherZip = Files.write(dir.resolve("other.zip"), zip(Map.of("model.onnx", new byte[] {1, 2, 3})));
        assertThat(run(otherZip.toString(), data.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("other.zip is not a Radflow model export: it has no manifest.json");

        Path foreign = Files.write(dir.resolve("foreign.zip"), zip(Map.of("manifest.json",
                "{\"format\": \"something-else\"}".getBytes(StandardCharsets.UTF_8))));
        assertThat(run(foreign.toString(), data.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("manifest.json has format 'something-else', not 'radflow-model-export'");
    }

    @Test
    void shouldRefuseAVersionTheExportDoesNotHold() throws Exception {
        Path zip = export("brightness", onnx(1));
        assertThat(run(zip.toString(), data.toString(), "--version", "7")).isEqualTo(2);
        assertThat(err.toString()).contains("brightness.zip has no version 7 of model 'brightness'; it holds [1]");
    }

    @Test
    void shouldRefuseADataPathWithoutDicomImages() throws Exception {
        Path zip = export("brightness", onnx(1));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(run(zip.toString(), empty.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no DICOM image under " + empty + " (no files)");

        Path textOnly = Files.createDirectories(dir.resolve("text"));
        Files.writeString(textOnly.resolve("notes.txt"), "hello");
        assertThat(run(zip.toString(), textOnly.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no DICOM image under " + textOnly + " (1 file(s) skipped, first: ");

        assertThat(run(zip.toString(), dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains(dir.resolve("missing") + " does not exist");
    }
}
