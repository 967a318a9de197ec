package io.radflow.exporter.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.radflow.common.error.Reason;
import io.radflow.exporter.ExportException;
import io.radflow.exporter.ExportObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How STOW-RS answers are classified: what is retried, what is refused, and what the reason says. */
class StowRsDestinationTest {

    static final ExportObject OBJECT = new ExportObject("SEG", "1.2.840.10008.5.1.4.1.1.66.4", "2.25.1", "2.25.2", "1.2.3",
            new byte[] {1, 2, 3, 4});

    HttpServer server;
    final AtomicReference<String> contentType = new AtomicReference<>();
    final AtomicReference<String> authorization = new AtomicReference<>();
    final AtomicReference<byte[]> body = new AtomicReference<>();

    StowRsDestination answering(int status, String response) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/dicom-web/studies", exchange -> {
            contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            body.set(exchange.getRequestBody().readAllBytes());
            byte[] out = response.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
        return new StowRsDestination(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dicom-web/"), "Bearer t0k",
                HttpClient.newHttpClient(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldPostOneMultipartRelatedRequestWithTheAuthorizationHeader() throws Exception {
        answering(200, "{}").store(List.of(OBJECT));
        assertThat(contentType.get()).startsWith("multipart/related; type=\"application/dicom\"; boundary=radflow-");
        assertThat(authorization.get()).isEqualTo("Bearer t0k");
        String sent = new String(body.get(), StandardCharsets.ISO_8859_1);
        assertThat(sent).contains("Content-Type: application/dicom\r\n").contains("\u0001\u0002\u0003\u0004").endsWith("--\r\n");
    }

    @Test
    void shouldRetryServerErrorsAndRefuseCredentialsAndObjects() throws Exception {
        assertThatThrownBy(() -> answering(503, "busy").store(List.of(OBJECT))).isInstanceOf(ExportException.class)
                .hasMessageContaining("answered HTTP 503: busy")
                .extracting(e -> ((ExportException) e).reason()).isEqualTo(Reason.DESTINATION_UNAVAILABLE);
        stop();
        assertThatThrownBy(() -> answering(403, "").store(List.of(OBJECT))).hasMessageContaining("refused the credentials (HTTP 403)")
                .extracting(e -> ((ExportException) e).reason()).isEqualTo(Reason.DESTINATION_UNAUTHORIZED);
        stop();
        String failed = "{\"00081198\": {\"vr\": \"SQ\", \"Value\": [{\"00081155\": {\"vr\": \"UI\", \"Value\": [\"2.25.1\"]},"
                + " \"00081197\": {\"vr\": \"US\", \"Value\": [43264]}}]}}";
        assertThatThrownBy(() -> answering(409, failed).store(List.of(OBJECT)))
                .hasMessageContaining("refused instance 2.25.1 (failure reason 43264) (HTTP 409)")
                .extracting(e -> ((ExportException) e).reason()).isEqualTo(Reason.DESTINATION_REJECTED);
        stop();
        assertThatThrownBy(() -> answering(202, failed).store(List.of(OBJECT))).as("202 with failures is a partial refusal")
                .extracting(e -> ((ExportException) e).reason()).isEqualTo(Reason.DESTINATION_REJECTED);
        stop();
        assertThatThrownBy(() -> answering(415, "<html>nope</html>").store(List.of(OBJECT)))
                .hasMessageContaining("refused the objects with HTTP 415: <html>nope</html>");
    }

    @Test
    void shouldCallAnUnreachableServerTransient() {
        StowRsDestination nowhere = new StowRsDestination(URI.create("http://127.0.0.1:1/dicom-web"), null, HttpClient.newHttpClient(),
                Duration.ofSeconds(5));
        assertThatThrownBy(() -> nowhere.store(List.of(OBJECT))).hasMessageContaining("cannot reach the STOW-RS server at http://127.0.0.1:1")
                .extracting(e -> ((ExportException) e).reason()).isEqualTo(Reason.DESTINATION_UNAVAILABLE);
        assertThat(nowhere.describe()).isEqualTo("STOW_RS http://127.0.0.1:1/dicom-web");
    }
}
