package io.radflow.worker.runtime.mdai;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.common.io.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Python environments of MD.ai packages, as MD.ai builds a conda environment per model: a
 * virtual environment made from {@code worker.mdai.python} with {@code --system-site-packages}
 * (so the runner's msgpack and the host's numpy or pydicom stay visible unless a requirement asks
 * for another version, which then wins), into which pip installs the package's requirements files
 * from the configured index or, with {@code --no-index --find-links}, from a local wheelhouse.
 *
 * <p>An environment is named by the SHA-256 of the interpreter (its real path and version) and the
 * requirements files, so packages that need the same share one, and a package built once is never
 * built again on this host. One build at a time per environment: a file lock for the workers of a
 * host, a lock for the threads of this JVM (file locks are held per JVM). An environment is usable
 * once its {@value #COMPLETE} marker is written; anything else under its name is a build that died
 * and is built again. pip reads neither pip.conf nor {@code PIP_*} variables: what is installed
 * depends only on Radflow's settings and the requirements.
 */
final class PythonEnvironments {

    private static final Logger log = LoggerFactory.getLogger(PythonEnvironments.class);
    static final String COMPLETE = ".radflow-env-complete";
    private static final Map<String, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final Pattern NO_MATCH = Pattern.compile("No matching distribution found for (\\S+)");
    private static final Pattern NOT_SATISFIED = Pattern.compile("satisfies the requirement (\\S+)");
    private static final Pattern INVALID = Pattern.compile("Invalid requirement: '([^']*)'");
    private static final Pattern CONFLICT = Pattern.compile("Cannot install (.+?) because these package versions have conflicting");
    private static final int OUTPUT_TAIL = 3000;

    private final MdaiSettings.EnvSettings settings;

    PythonEnvironments(MdaiSettings.EnvSettings settings) {
        this.settings = settings;
    }

    /**
     * The interpreter of the package's environment, built first when this host has none yet.
     *
     * @param interpreter       the real path and full version of {@code worker.mdai.python}
     * @param requirementsFiles the package's requirements files, relative to its root
     * @throws RadflowException MODEL_LOAD_FAILED when pip cannot install them (naming the requirement) or the build times out
     */
    Path ensure(String python, String interpreter, Path packageRoot, List<String> requirementsFiles) {
        Path env = directory(interpreter, packageRoot, requirementsFiles);
        Path envPython = env.resolve("bin").resolve("python");
        if (Files.isRegularFile(env.resolve(COMPLETE))) {
            return envPython;
        }
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(env.toString(), k -> new ReentrantLock());
        jvmLock.lock();
        try {
            Files.createDirectories(settings.dir());
            try (FileChannel channel = FileChannel.open(settings.dir().resolve(env.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (Files.isRegularFile(env.resolve(COMPLETE))) {
                    return envPython; // another worker of this host built it while we waited
                }
                build(python, env, packageRoot, requirementsFiles);
                return envPython;
            }
        } catch (IOException e) {
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "cannot build the Python environment under " + settings.dir()
                    + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** The environment's directory: {@code <env dir>/<hash of interpreter and requirements>}. */
    Path directory(String interpreter, Path packageRoot, List<String> requirementsFiles) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(interpreter.getBytes(StandardCharsets.UTF_8));
        for (String file : requirementsFiles) {
            sha.update((byte) 0);
            try {
                sha.update(Files.readAllBytes(packageRoot.resolve(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return settings.dir().toAbsolutePath().normalize().resolve(HexFormat.of().formatHex(sha.digest()).substring(0, 16));
    }

    /**
     * Removes an environment under the same locks a build takes, so a build in progress is never
     * cut short; false when there was none. Processes still running in it keep what they imported;
     * the next load builds it again.
     */
    boolean delete(Path env) {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(env.toString(), k -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(settings.dir().resolve(env.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            boolean existed = Files.exists(env);
            Directories.delete(env);
            Files.deleteIfExists(settings.dir().resolve(env.getFileName() + ".log"));
            return existed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the Python environment " + env + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    private void build(String python, Path env, Path packageRoot, List<String> requirementsFiles) throws IOException {
        Directories.delete(env); // what a build that died left
        long started = System.nanoTime();
        long deadline = started + settings.timeout().toNanos();
        Path logFile = settings.dir().resolve(env.getFileName() + ".log");
        log.info("building a Python environment for an MD.ai package env={} requirements={} source={}", env, requirementsFiles,
                source());
        try {
            run(List.of(python, "-m", "venv", "--system-site-packages", "--without-pip", env.toString()), packageRoot, logFile,
                    deadline, requirementsFiles, "creating the virtual environment");
            Path envPython = env.resolve("bin").resolve("python");
            // The venv sees the host's pip through its system site packages; an interpreter without one gets its own.
            if (runQuietly(List.of(envPython.toString(), "-m", "pip", "--version"), packageRoot, deadline) != 0) {
                run(List.of(envPython.toString(), "-m", "ensurepip", "--default-pip"), packageRoot, logFile, deadline,
                        requirementsFiles, "installing pip into the virtual environment");
            }
            List<String> pip = new ArrayList<>(List.of(envPython.toString(), "-m", "pip", "install", "--no-input",
                    "--disable-pip-version-check", "--progress-bar", "off"));
            if (settings.findLinks() != null) {
                pip.addAll(List.of("--no-index", "--find-links", settings.findLinks()));
            } else if (settings.indexUrl() != null) {
                pip.addAll(List.of("--index-url", settings.indexUrl()));
            }
            for (String file : requirementsFiles) {
                pip.addAll(List.of("-r", packageRoot.resolve(file).toString()));
            }
            run(pip, packageRoot, logFile, deadline, requirementsFiles, "pip install");
            Files.writeString(env.resolve(COMPLETE), String.join("\n", requirementsFiles) + "\n");
            log.info("Python environment built env={} seconds={}", env, (System.nanoTime() - started) / 1_000_000_000L);
        } catch (RuntimeException | IOException e) {
            Directories.deleteQuietly(env);
            throw e;
        }
    }

    private String source() {
        return settings.findLinks() != null ? "wheelhouse " + settings.findLinks()
                : settings.indexUrl() != null ? "index " + settings.indexUrl() : "pip's default index";
    }

    private void run(List<String> command, Path cwd, Path logFile, long deadline, List<String> requirementsFiles, String step)
            throws IOException {
        Process p = start(command, cwd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        if (!waitFor(p, deadline)) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "building the Python environment for " + String.join(" and ",
                    requirementsFiles) + " took longer than worker.mdai.env.timeout (" + format(settings.timeout()) + ", stopped while "
                    + step + "); raise it, or provide the wheels in a local wheelhouse (worker.mdai.pip.find.links)");
        }
        if (p.exitValue() != 0) {
            String output = Files.readString(logFile, StandardCharsets.UTF_8);
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, failureMessage(step, requirementsFiles, output, source()));
        }
    }

    private int runQuietly(List<String> command, Path cwd, long deadline) throws IOException {
        Process p = start(command, cwd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return waitFor(p, deadline) ? p.exitValue() : -1;
    }

    private static ProcessBuilder start(List<String> command, Path cwd) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("PIP_"));
        pb.environment().put("PIP_CONFIG_FILE", "/dev/null"); // pip then reads no configuration file
        pb.environment().remove("PYTHONPATH");
        return pb;
    }

    /** Waits until the deadline; past it kills the process and what it started (pip's build steps). */
    private static boolean waitFor(Process p, long deadline) {
        try {
            long left = deadline - System.nanoTime();
            if (left > 0 && p.waitFor(left, TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Names the requirement pip could not install when its output says which, and quotes the output's tail. */
    static String failureMessage(String step, List<String> requirementsFiles, String output, String source) {
        String requirement = null;
        for (Pattern pattern : List.of(NO_MATCH, NOT_SATISFIED, INVALID, CONFLICT)) {
            Matcher m = pattern.matcher(output);
            if (m.find()) {
                requirement = m.group(1);
                break;
            }
        }
        String tail = output.strip();
        if (tail.length() > OUTPUT_TAIL) {
            tail = "..." + tail.substring(tail.length() - OUTPUT_TAIL);
        }
        String files = String.join(" and ", requirementsFiles);
        return (requirement != null
                ? "cannot install requirement '" + requirement + "' of " + files + " from " + source
                : step + " failed for " + files + " (" + source + ")") + ": " + tail;
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
