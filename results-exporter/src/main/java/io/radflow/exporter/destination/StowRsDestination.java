package io.radflow.exporter.destination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.Reason;
import io.radflow.exporter.ExportException;
import io.radflow.exporter.ExportObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * DICOMweb STOW-RS (PS3.18 10.5): all objects of a job in one {@code multipart/related} POST to
 * {@code <base>/studies} (a model's own DICOM output may belong to another study). Success is a 200 whose response names no failed SOP
 * instance; a 202 or 409 naming failures, or any other 4xx, is a refusal (permanent); 401 and
 * 403 are refused credentials; 5xx, 429, time-outs and connection failures are transient.
 */
public final class StowRsDestination implements Destination {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Failed SOP Sequence and its Failure Reason (PS3.18 Table 10.5.3-2). */
    private static final String FAILED_SOP_SEQUENCE = "00081198";
    private static final String FAILURE_REASON = "00081197";
    private static final String REFERENCED_SOP_INSTANCE = "00081155";

    private final URI base;
    private final String authorization;
    private final HttpClient client;
    private final Duration timeout;

    /** @param authorization the Authorization header value, or null */
    public StowRsDestination(URI base, String authorization, HttpClient client, Duration timeout) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.authorization = authorization;
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return "STOW_RS " + base + (authorization != null ? " (with an authorization header)" : "");
    }

    @Override
    public Map<String, String> store(List<ExportObject> objects) {
        if (objects.isEmpty()) {
            return Map.of();
        }
        String boundary = "radflow-" + UUID.randomUUID();
        URI target = URI.create(base + "/studies");
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(objects, boundary)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ExportException(Reason.DESTINATION_UNAVAILABLE, "STOW-RS to " + target + " took longer than "
                    + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ExportException(Reason.DESTINATION_UNAVAILABLE, "cannot reach the STOW-RS server at " + target + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportException(Reason.DESTINATION_UNAVAILABLE, "interrupted while storing to " + target, e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new ExportException(Reason.DESTINATION_UNAUTHORIZED, "the STOW-RS server at " + base + " refused the credentials (HTTP "
                    + status + "): check the project's authSecret and the file it names in the exporter's secrets directory");
        }
        if (status >= 500 || status == 429 || status == 408) {
            throw new ExportException(Reason.DESTINATION_UNAVAILABLE, "the STOW-RS server at " + base + " answered HTTP " + status
                    + snippet(response.body()));
        }
        List<String> failures = failures(response.body());
        if (!failures.isEmpty()) {
            throw new ExportException(Reason.DESTINATION_REJECTED, "the STOW-RS server at " + base + " refused "
                    + String.join("; ", failures) + " (HTTP " + status + ")");
        }
        if (status != 200 && status != 202) {
            throw new ExportException(Reason.DESTINATION_REJECTED, "the STOW-RS server at " + base + " refused the objects with HTTP "
                    + status + snippet(response.body()));
        }
        return Map.of();
    }

    static byte[] multipart(List<ExportObject> objects, String boundary) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (ExportObject o : objects) {
            body.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\nContent-Length: " + o.bytes().length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(o.bytes());
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** The failed instances a STOW response names, each with its failure reason. */
    static List<String> failures(String body) {
        List<String> out = new ArrayList<>();
        if (body == null || body.isBlank()) {
            return out;
        }
        try {
            JsonNode failed = JSON.readTree(body).path(FAILED_SOP_SEQUENCE).path("Value");
            for (JsonNode item : failed) {
                String sop = item.path(REFERENCED_SOP_INSTANCE).path("Value").path(0).asText("?");
                String reason = item.path(FAILURE_REASON).path("Value").path(0).asText("?");
                out.add("instance " + sop + " (failure reason " + reason + ")");
            }
        } catch (IOException e) {
            // Not DICOM JSON (an HTML error page, say): the status code decides.
        }
        return out;
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String s = body.strip().replaceAll("\\s+", " ");
        return ": " + (s.length() > 300 ? s.substring(0, 300) + "..." : s);
    }
}
