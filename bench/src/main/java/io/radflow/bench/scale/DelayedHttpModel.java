package io.radflow.bench.scale;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An I/O-bound model: a V7-style HTTP model ({@code GET /api/classes}, {@code POST /api/infer})
 * that answers every image with one tag after a fixed delay, using no CPU meanwhile, so the
 * scaling benchmark measures the pipeline around the model, not the machine's cores.
 */
final class DelayedHttpModel implements AutoCloseable {

    static final String CLASS_NAME = "ok";
    private static final byte[] CLASSES = ("[{\"name\": \"" + CLASS_NAME + "\", \"type\": \"tag\"}]").getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESULT = ("{\"status\": \"succeeded\", \"results\": [{\"name\": \"" + CLASS_NAME + "\", \"label\": \""
            + CLASS_NAME + "\", \"confidence\": 0.9, \"tag\": {}}]}").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "delayed-model");
        t.setDaemon(true);
        return t;
    });

    DelayedHttpModel(Duration delay) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.createContext("/api/classes", exchange -> answer(exchange, CLASSES));
        server.createContext("/api/infer", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, RESULT);
        });
        server.setExecutor(pool); // a thread per request in flight: the delay never queues
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
