package io.radflow.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.testsupport.OrthancServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** What a real Orthanc holds, by DICOM UID, through its REST API. */
final class OrthancLookups {

    static final ObjectMapper JSON = new ObjectMapper();

    private OrthancLookups() {
    }

    /** The number of instances Orthanc holds in the series (0 when it does not know the series). */
    static int instancesInSeries(OrthancServer orthanc, String seriesUid) throws IOException {
        String id = lookup(orthanc, seriesUid, "Series");
        if (id == null) {
            return 0;
        }
        return JSON.readTree(orthanc.get("/series/" + id).body()).path("Instances").size();
    }

    /** The stored file of an instance, byte for byte. */
    static byte[] instanceFile(OrthancServer orthanc, String sopUid) throws Exception {
        String id = lookup(orthanc, sopUid, "Instance");
        assertThat(id).as("Orthanc knows instance %s", sopUid).isNotNull();
        return HttpClient.newHttpClient().send(authorized(orthanc, "/instances/" + id + "/file").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private static String lookup(OrthancServer orthanc, String uid, String type) throws IOException {
        try {
            JsonNode found = JSON.readTree(HttpClient.newHttpClient().send(authorized(orthanc, "/tools/lookup")
                    .POST(HttpRequest.BodyPublishers.ofString(uid)).build(), HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode n : found) {
                if (type.equals(n.path("Type").asText())) {
                    return n.path("ID").asText();
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static HttpRequest.Builder authorized(OrthancServer orthanc, String path) {
        return HttpRequest.newBuilder(URI.create(orthanc.url() + path)).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(OrthancServer.basicAuth().getBytes(StandardCharsets.UTF_8)));
    }
}
