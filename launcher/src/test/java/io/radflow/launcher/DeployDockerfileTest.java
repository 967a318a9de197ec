package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.launcher.DeployFiles.Instruction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The images' Dockerfiles and scripts, read instruction by instruction (Docker cannot run where
 * the tests do): what they copy exists, the entry point starts the launcher's real main class with
 * the classpath the build lays out, the GPU image builds the gpu profile on CUDA 12 with cuDNN,
 * and every RADFLOW_* variable they set is a configuration key.
 */
class DeployDockerfileTest {

    private static final Path DOCKER = DeployFiles.DEPLOY.resolve("docker");
    private static final List<Path> DOCKERFILES = List.of(DOCKER.resolve("Dockerfile"), DOCKER.resolve("gpu.Dockerfile"));
    private static final String ENTRYPOINT = "/opt/radflow/bin/radflow";

    private static List<Instruction> of(List<Instruction> all, String keyword) {
        return all.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    @Test
    void shouldFindEveryDockerfileUnderDeploy() {
        assertThat(DeployFiles.all().stream().filter(p -> p.getFileName().toString().endsWith("Dockerfile")).toList())
                .containsExactlyInAnyOrderElementsOf(DOCKERFILES);
        for (Path dockerfile : DOCKERFILES) {
            assertThat(Path.of(dockerfile + ".dockerignore")).as("its build context leaves target/ and .git out").isRegularFile();
            assertThat(DeployFiles.read(Path.of(dockerfile + ".dockerignore"))).contains("**/target", ".git");
        }
    }

    @Test
    void shouldCopyOnlyFilesThatExistAndSetOnlyDeclaredKeys() {
        for (Path dockerfile : DOCKERFILES) {
            String where = DeployFiles.relative(dockerfile);
            List<Instruction> all = DeployFiles.dockerfile(dockerfile);
            assertThat(of(all, "FROM")).as(where + ": a build stage and a run-time stage").hasSize(2);
            for (Instruction copy : of(all, "COPY")) {
                List<String> words = new ArrayList<>(List.of(copy.arguments().split("\\s+")));
                if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
                    continue;
                }
                words.removeIf(w -> w.startsWith("--"));
                for (String source : words.subList(0, words.size() - 1)) {
                    if (!source.equals(".")) {
                        assertThat(DeployFiles.REPO.resolve(source)).as(where + " copies " + source).exists();
                    }
                }
            }
            for (Instruction run : of(all, "RUN")) {
                Matcher scripts = Pattern.compile("deploy/docker/[\\w.-]+\\.sh").matcher(run.arguments());
                while (scripts.find()) {
                    assertThat(DeployFiles.REPO.resolve(scripts.group())).as(where + " runs " + scripts.group()).isRegularFile();
                }
            }
            for (String variable : env(all).keySet()) {
                assertThat(CodeFacts.problemWith(variable, CodeFacts.everything())).as(where + " ENV " + variable).isNull();
            }
            assertThat(DeployFiles.execForm(of(all, "ENTRYPOINT").get(0))).containsExactly(ENTRYPOINT);
            assertThat(of(all, "COPY")).as(where + " installs the entry point").anyMatch(c -> c.arguments().endsWith(
                    "deploy/docker/radflow-entrypoint.sh " + ENTRYPOINT));
            CodeFacts.parse(DeployFiles.execForm(of(all, "CMD").get(0)));
            assertThat(of(all, "USER").get(0).arguments()).as(where + " runs unprivileged").isEqualTo("10001:10001");
        }
    }

    @Test
    void shouldStartTheLaunchersMainClassWithTheClasspathTheBuildLaysOut() throws Exception {
        String entrypoint = DeployFiles.read(DOCKER.resolve("radflow-entrypoint.sh"));
        assertThat(Class.forName(Main.class.getName()).getMethod("main", String[].class)).isNotNull();
        assertThat(entrypoint).contains(" " + Main.class.getName() + " \"$@\"").contains("exec java");
        assertThat(entrypoint).contains("-cp \"/opt/radflow/radflow-launcher.jar:/opt/radflow/lib/*\"");
        assertThat(entrypoint).contains("-Donnxruntime.native.path=/opt/radflow/native");
        for (String resource : List.of("logback.xml", "logback-json.xml")) {
            assertThat(entrypoint).contains(resource);
            assertThat(Main.class.getClassLoader().getResource(resource)).as(resource + " is on the launcher's classpath").isNotNull();
        }
        Matcher vars = Pattern.compile("RADFLOW_[A-Z_]+").matcher(entrypoint);
        while (vars.find()) {
            assertThat(CodeFacts.LAUNCHER_VARIABLES).as("entry point reads " + vars.group()).containsKey(vars.group());
        }
        String build = DeployFiles.read(DOCKER.resolve("build-dist.sh"));
        String finalName = property(DeployFiles.read(DeployFiles.REPO.resolve("launcher/pom.xml")), "finalName");
        assertThat(build).contains("cp launcher/target/" + finalName + ".jar \"$OUT/\"").contains("cp -r launcher/target/lib \"$OUT/lib\"")
                .contains("-pl launcher -am package").contains("ai/onnxruntime/native/linux-x64");
        for (Path dockerfile : DOCKERFILES) {
            List<Instruction> copies = of(DeployFiles.dockerfile(dockerfile), "COPY");
            for (String layout : List.of("/dist/lib /opt/radflow/lib", "/dist/native /opt/radflow/native",
                    "/dist/" + finalName + ".jar /opt/radflow/radflow-launcher.jar")) {
                assertThat(copies).as(DeployFiles.relative(dockerfile) + " copies " + layout).anyMatch(c -> c.arguments().equals("--from=build " + layout));
            }
        }
        String install = DeployFiles.read(DOCKER.resolve("install-runtime.sh"));
        assertThat(install).contains("openjdk-17-jre-headless").contains("python3-pydicom").contains("python3-numpy")
                .contains("python3-msgpack").contains("--uid 10001");
    }

    @Test
    void shouldBuildTheGpuImageWithTheGpuProfileOnCuda12AndCudnn() {
        List<Instruction> gpu = DeployFiles.dockerfile(DOCKER.resolve("gpu.Dockerfile"));
        String cudaImage = args(gpu).get("CUDA_IMAGE");
        assertThat(cudaImage).matches("nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-ubuntu24\\.04");
        assertThat(args(DeployFiles.dockerfile(DOCKER.resolve("Dockerfile"))).get("RUNTIME_IMAGE"))
                .as("both images share install-runtime.sh: same Ubuntu").isEqualTo("ubuntu:24.04");
        assertThat(of(gpu, "RUN")).anyMatch(r -> r.arguments().contains("build-dist.sh /dist -Pgpu"));
        String pom = DeployFiles.read(DeployFiles.REPO.resolve("pom.xml"));
        Matcher profile = Pattern.compile("<profile>\\s*<id>gpu</id>(.*?)</profile>", Pattern.DOTALL).matcher(pom);
        assertThat(profile.find()).as("the parent pom has a gpu profile").isTrue();
        assertThat(profile.group(1)).contains("<onnxruntime.artifact>onnxruntime_gpu</onnxruntime.artifact>");
        assertThat(DeployFiles.execForm(of(gpu, "CMD").get(0))).containsExactly("inference-worker");
        assertThat(WorkerGroups.device(DeployFiles.execForm(of(gpu, "CMD").get(0)), env(gpu))).isEqualTo("gpu");
    }

    private static Map<String, String> env(List<Instruction> all) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (Instruction i : of(all, "ENV")) {
            Matcher m = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\\S*)").matcher(i.arguments());
            while (m.find()) {
                env.put(m.group(1), m.group(2));
            }
        }
        return env;
    }

    private static Map<String, String> args(List<Instruction> all) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Instruction i : of(all, "ARG")) {
            String[] kv = i.arguments().split("=", 2);
            out.put(kv[0], kv.length > 1 ? kv[1] : null);
        }
        return out;
    }

    private static String property(String pom, String element) {
        Matcher m = Pattern.compile("<" + element + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as(element).isTrue();
        return m.group(1);
    }
}
