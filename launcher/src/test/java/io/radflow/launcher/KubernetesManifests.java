package io.radflow.launcher;

import static io.radflow.launcher.DeployFiles.at;
import static io.radflow.launcher.DeployFiles.map;
import static io.radflow.launcher.DeployFiles.maps;
import static io.radflow.launcher.DeployFiles.strings;
import static io.radflow.launcher.DeployFiles.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One kustomization root of deploy/k8s with every object it applies, resolved through its
 * resources the way {@code kubectl apply -k} does (files and folders with their own
 * kustomization.yaml), plus helpers to look objects up.
 */
record KubernetesManifests(Path root, String namespace, List<String> imageNames, List<Map<String, Object>> objects) {

    static final Path K8S = DeployFiles.DEPLOY.resolve("k8s");
    /** The roots an operator applies: CPU workers, and GPU workers instead. */
    static final List<Path> ROOTS = List.of(K8S, K8S.resolve("overlays/gpu"));

    static KubernetesManifests load(Path root) {
        Map<String, Object> kustomization = DeployFiles.yaml(root.resolve("kustomization.yaml"));
        List<Map<String, Object>> objects = new ArrayList<>();
        collect(root, objects);
        List<String> images = maps(kustomization.get("images")).stream().map(i -> text(i, "name")).toList();
        return new KubernetesManifests(root, text(kustomization, "namespace"), images, objects);
    }

    private static void collect(Path dir, List<Map<String, Object>> into) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(DeployFiles.relative(dir) + " has no kustomization.yaml");
        }
        for (String resource : strings(DeployFiles.yaml(file).get("resources"))) {
            Path target = dir.resolve(resource).normalize();
            if (Files.isDirectory(target)) {
                collect(target, into);
            } else if (Files.isRegularFile(target)) {
                into.addAll(DeployFiles.yamlDocuments(target));
            } else {
                throw new AssertionError(DeployFiles.relative(file) + " names " + resource + ", which does not exist");
            }
        }
    }

    /** Every file and folder a kustomization.yaml under deploy/k8s names, resolved. */
    static List<Path> referencedResources() {
        List<Path> out = new ArrayList<>();
        for (Path k : DeployFiles.under("k8s", "kustomization.yaml")) {
            strings(DeployFiles.yaml(k).get("resources")).forEach(r -> out.add(k.getParent().resolve(r).normalize()));
        }
        return out;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(text(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError(DeployFiles.relative(root) + ": no " + kind + " named " + name));
    }

    /** Deployments and StatefulSets. */
    List<Map<String, Object>> workloads() {
        List<Map<String, Object>> out = new ArrayList<>(ofKind("Deployment"));
        out.addAll(ofKind("StatefulSet"));
        return out;
    }

    /** A container of a workload, with what it runs and the environment it gets. */
    record Container(Map<String, Object> workload, Map<String, Object> spec) {

        String workloadName() {
            return text(workload, "metadata", "name");
        }

        String image() {
            return text(spec, "image");
        }

        List<String> args() {
            return strings(spec.get("args"));
        }

        boolean radflow() {
            return image().equals("radflow") || image().equals("radflow-gpu");
        }

        List<Map<String, Object>> env() {
            return maps(spec.get("env"));
        }

        List<String> configMaps() {
            return maps(spec.get("envFrom")).stream().map(e -> text(e, "configMapRef", "name")).filter(Objects::nonNull).toList();
        }

        Map<String, Object> podTemplate() {
            return map(at(workload, "spec", "template"));
        }

        Map<String, String> ports() {
            Map<String, String> out = new LinkedHashMap<>();
            maps(spec.get("ports")).forEach(p -> out.put(text(p, "name"), text(p, "containerPort")));
            return out;
        }
    }

    List<Container> containers() {
        List<Container> out = new ArrayList<>();
        for (Map<String, Object> w : workloads()) {
            maps(at(w, "spec", "template", "spec", "containers")).forEach(c -> out.add(new Container(w, c)));
        }
        return out;
    }

    /** A container's RADFLOW_* environment: its ConfigMaps first, then its own env (which wins), as Kubernetes does. */
    Map<String, String> environment(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String cm : c.configMaps()) {
            map(at(named("ConfigMap", cm), "data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        }
        for (Map<String, Object> e : c.env()) {
            env.put(text(e, "name"), e.containsKey("value") ? text(e, "value") : "<from " + map(e.get("valueFrom")).keySet() + ">");
        }
        return env;
    }

    String name() {
        return DeployFiles.relative(root);
    }
}
