package io.radflow.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The few calls of Orthanc's REST API the bridge makes. A resource that is gone (404) is an
 * empty result; any other failure (Orthanc down, restarting, timing out, refusing credentials) is
 * a retriable {@link Reason#SOURCE_UNAVAILABLE}.
 */
final class OrthancClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry of {@code /changes}. */
    /** @param date when Orthanc recorded the change, {@code yyyyMMdd'T'HHmmss} (sorts as text) */
    record Change(long seq, String changeType, String resourceType, String id, String date) {
    }

    /** A page of {@code /changes}: the changes, the last Seq they reach, and whether the feed is drained. */
    record ChangesPage(List<Change> changes, long last, boolean done) {
    }

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final String authorization;

    OrthancClient(URI base, String basicAuth, Duration connectTimeout, Duration timeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.timeout = timeout;
        this.authorization = basicAuth == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
    }

    URI base() {
        return base;
    }

    ChangesPage changes(long since, int limit) {
        JsonNode page = get("changes?since=" + since + "&limit=" + limit)
                .orElseThrow(() -> unavailable("changes", "Orthanc answered 404 for /changes", null));
        List<Change> changes = new ArrayList<>();
        for (JsonNode c : page.path("Changes")) {
            changes.add(new Change(c.path("Seq").asLong(), c.path("ChangeType").asText(), c.path("ResourceType").asText(),
                    c.path("ID").asText(), c.path("Date").asText()));
        }
        return new ChangesPage(changes, page.path("Last").asLong(since), page.path("Done").asBoolean(true));
    }

    Optional<JsonNode> instance(String id) {
        return get("instances/" + id);
    }

    Optional<JsonNode> instanceTags(String id) {
        return get("instances/" + id + "/simplified-tags");
    }

    /** The instance's metadata as one object ({@code PixelDataOffset}, {@code SopClassUid}, ...). */
    Optional<JsonNode> instanceMetadata(String id) {
        return get("instances/" + id + "/metadata?expand");
    }

    Optional<JsonNode> series(String id) {
        return get("series/" + id);
    }

    Optional<JsonNode> study(String id) {
        return get("studies/" + id);
    }

    Optional<JsonNode> studyStatistics(String id) {
        return get("studies/" + id + "/statistics");
    }

    private Optional<JsonNode> get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw unavailable(path, "Orthanc did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw unavailable(path, "cannot reach Orthanc: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(path, "interrupted", e);
        }
        int status = response.statusCode();
        if (status == 404) {
            return Optional.empty();
        }
        if (status != 200) {
            String hint = status == 401 || status == 403 ? " (check orthanc.basic.auth)" : "";
            throw unavailable(path, "Orthanc answered HTTP " + status + hint, null);
        }
        try {
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw unavailable(path, "Orthanc sent invalid JSON: " + e.getMessage(), e);
        }
    }

    private RadflowException unavailable(String path, String what, Throwable cause) {
        return new RadflowException(Reason.SOURCE_UNAVAILABLE, "GET " + base.resolve(path) + ": " + what, cause);
    }
}
