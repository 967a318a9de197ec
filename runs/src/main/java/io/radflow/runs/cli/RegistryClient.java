package io.radflow.runs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.cli.DevStackState;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The registry's REST API as the command line reaches it: {@code --registry-url} and
 * {@code --api-key} (or {@code RADFLOW_REGISTRY_URL}, {@code RADFLOW_API_KEY}), else the
 * {@code ./radflow dev} of this checkout and its admin key. A non-2xx answer becomes a
 * {@link RadflowException} carrying the registry's own message.
 */
public final class RegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Option(names = "--registry-url", paramLabel = "URL", description = "The registry service (env RADFLOW_REGISTRY_URL; default: ./radflow dev's).")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Your API key (env RADFLOW_API_KEY; default: ./radflow dev's admin key).")
    String apiKey;

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    JsonNode post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), path);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), path);
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        key().ifPresent(k -> request.header("Authorization", "Bearer " + k));
        HttpResponse<byte[]> response;
        try {
            response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "cannot reach the registry at " + base() + " (is ./radflow dev running?)", e);
        } catch (IOException e) {
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "the registry at " + base() + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "interrupted", e);
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, path + ": HTTP " + response.statusCode() + " and no JSON", e);
        }
        if (response.statusCode() / 100 != 2) {
            String message = body.at("/error/message").asText(new String(response.body(), StandardCharsets.UTF_8));
            throw new RadflowException(reason(response.statusCode()), "HTTP " + response.statusCode() + ": " + message);
        }
        return body;
    }

    private static Reason reason(int status) {
        return switch (status) {
            case 400 -> Reason.INVALID_REQUEST;
            case 401 -> Reason.UNAUTHENTICATED;
            case 403 -> Reason.FORBIDDEN;
            case 404 -> Reason.NOT_FOUND;
            default -> Reason.RUNTIME_UNAVAILABLE;
        };
    }

    private URI uri(String path) {
        return URI.create(base().replaceAll("/+$", "") + path);
    }

    private String base() {
        return Optional.ofNullable(url).or(() -> Optional.ofNullable(System.getenv("RADFLOW_REGISTRY_URL")))
                .or(() -> dev("registry-service.url"))
                .orElseThrow(() -> new RadflowException(Reason.INVALID_REQUEST,
                        "no registry: give --registry-url (or RADFLOW_REGISTRY_URL), or start ./radflow dev in this checkout"));
    }

    private Optional<String> key() {
        return Optional.ofNullable(apiKey).or(() -> Optional.ofNullable(System.getenv("RADFLOW_API_KEY")))
                .or(() -> url == null ? dev("registry-service.admin-key") : Optional.empty());
    }

    private static Optional<String> dev(String name) {
        return DevStackState.read(DevStackState.home()).flatMap(v -> Optional.ofNullable(v.get(name)));
    }
}
