package io.radflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The few calls of the registry's REST API the demo makes, as any client would make them: JSON
 * bodies, a bearer API key, multipart uploads for model versions. Public for the end-to-end tests
 * that register other models the same way.
 */
public final class RegistryApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public RegistryApi(URI baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    public void createProject(String id, String name) {
        send("POST", "/projects", "application/json",
                json(JSON.createObjectNode().put("id", id).put("name", name)), "creating project " + id);
    }

    /** Neurodeploy-style create: {@code PUT /ml-models/{name}?project=&lib=&filetype=} with MD.ai settings in the body. */
    /** @return the model id the registry gave it */
    public String createModel(String project, String name, String library, String fileType, JsonNode settings) {
        String query = "?project=" + enc(project) + "&lib=" + enc(library) + (fileType == null ? "" : "&filetype=" + enc(fileType));
        JsonNode model = send("PUT", "/ml-models/" + enc(name) + query, "application/json", json(settings), "creating model " + name);
        if (!model.hasNonNull("id")) {
            throw new RadflowException(Reason.INTERNAL, "registry answered creating model " + name + " without an id: " + model);
        }
        return model.get("id").asText();
    }

    /** {@code POST /ml-models/{name}/versions}: the artifact and its JSON metadata as multipart parts. */
    public JsonNode addVersion(String project, String name, JsonNode metadata, String fileName, byte[] artifact) {
        String boundary = "radflow-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "metadata", null, "application/json", json(metadata));
        part(body, boundary, "artifact", fileName, "application/octet-stream", artifact);
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send("POST", "/ml-models/" + enc(name) + "/versions?project=" + enc(project),
                "multipart/form-data; boundary=" + boundary, body.toByteArray(), "adding a version to model " + name);
    }

    /** {@code POST /ml-models/{name}/versions} with JSON alone: an external HTTP model's version (its endpoint in the metadata). */
    public JsonNode addVersion(String project, String name, JsonNode metadata) {
        return send("POST", "/ml-models/" + enc(name) + "/versions?project=" + enc(project), "application/json", json(metadata),
                "adding a version to model " + name);
    }

    private static void part(ByteArrayOutputStream out, String boundary, String name, String fileName, String type, byte[] content) {
        String header = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (fileName == null ? "" : "; filename=\"" + fileName + "\"") + "\r\nContent-Type: " + type + "\r\n\r\n";
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode send(String method, String path, String contentType, byte[] body, String what) {
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new RadflowException(Reason.INTERNAL, "registry refused " + what + " (HTTP " + response.statusCode() + "): "
                        + response.body());
            }
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RadflowException(Reason.INTERNAL, "registry at " + baseUrl + " did not answer while " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RadflowException(Reason.INTERNAL, "interrupted while " + what, e);
        }
    }

    private static byte[] json(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
