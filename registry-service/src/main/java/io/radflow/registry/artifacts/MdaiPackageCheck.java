package io.radflow.registry.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.schemas.avro.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks an MD.ai model package before it is stored: a readable zip with {@code .mdai/config.yaml}
 * (a YAML mapping), {@code .mdai/mdai_deploy.py} defining {@code class MDAIModel}, and
 * {@code requirements.txt}, at the root or under one top-level folder; and no entry that would
 * escape the folder a worker unpacks it into.
 */
public final class MdaiPackageCheck {

    static final String CONFIG = ".mdai/config.yaml";
    static final String DEPLOY = ".mdai/mdai_deploy.py";
    static final String REQUIREMENTS = "requirements.txt";
    private static final int MAX_CONFIG_BYTES = 1 << 20;
    private static final int MAX_DEPLOY_BYTES = 8 << 20;
    private static final Pattern MDAI_MODEL_CLASS = Pattern.compile("(?m)^class\\s+MDAIModel\\b");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private MdaiPackageCheck() {
    }

    /** What the package tells about itself. */
    public record PackageInfo(String root, Optional<Device> device) {
    }

    public static PackageInfo check(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (unsafe(name)) {
                    throw invalid("entry '" + name + "' would unpack outside the package folder");
                }
                names.add(name);
            }
            String root = root(names);
            List<String> missing = new ArrayList<>();
            for (String required : List.of(CONFIG, DEPLOY, REQUIREMENTS)) {
                if (!names.contains(root + required)) {
                    missing.add(required);
                }
            }
            if (!missing.isEmpty()) {
                throw invalid("it lacks " + String.join(", ", missing)
                        + " (an MD.ai package has .mdai/config.yaml, .mdai/mdai_deploy.py and requirements.txt)");
            }
            JsonNode config = parseConfig(read(zip, root + CONFIG, MAX_CONFIG_BYTES));
            String deploy = new String(read(zip, root + DEPLOY, MAX_DEPLOY_BYTES), StandardCharsets.UTF_8);
            if (!MDAI_MODEL_CLASS.matcher(deploy).find()) {
                throw invalid(".mdai/mdai_deploy.py does not define class MDAIModel");
            }
            return new PackageInfo(root, device(config));
        } catch (java.util.zip.ZipException e) {
            throw invalid("it is not a readable zip file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new RegistryException(Reason.INVALID_ARTIFACT, "cannot read the uploaded package: " + e.getMessage(), e);
        }
    }

    private static boolean unsafe(String name) {
        String n = name.replace('\\', '/');
        return n.startsWith("/") || n.matches("^[A-Za-z]:.*") || List.of(n.split("/")).contains("..");
    }

    /** "" when .mdai/ is at the top, else the one top-level folder that holds it. */
    private static String root(List<String> names) {
        if (names.contains(CONFIG)) {
            return "";
        }
        for (String name : names) {
            if (name.endsWith("/" + CONFIG)) {
                String prefix = name.substring(0, name.length() - CONFIG.length());
                if (prefix.indexOf('/') == prefix.length() - 1) {
                    return prefix;
                }
            }
        }
        return "";
    }

    private static byte[] read(ZipFile zip, String name, int max) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw invalid(name + " is larger than " + max + " bytes");
            }
            return bytes;
        }
    }

    private static JsonNode parseConfig(byte[] yaml) {
        JsonNode node;
        try {
            node = YAML.readTree(yaml);
        } catch (IOException e) {
            throw invalid(".mdai/config.yaml is not valid YAML: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw invalid(".mdai/config.yaml must be a YAML mapping (for example 'base_image: py38')");
        }
        return node;
    }

    private static Optional<Device> device(JsonNode config) {
        String type = config.path("device_type").asText("").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "gpu" -> Optional.of(Device.GPU);
            case "cpu" -> Optional.of(Device.CPU);
            default -> Optional.empty();
        };
    }

    private static RegistryException invalid(String why) {
        return new RegistryException(Reason.INVALID_ARTIFACT, "the artifact is not a valid MD.ai package: " + why);
    }
}
