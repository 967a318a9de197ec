package io.radflow.viewer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.radflow.common.metrics.MetricsSetup;
import java.time.Duration;
import java.util.function.Supplier;

/** Every meter of the prediction view, declared once; tags are route templates, methods, statuses and topics. */
public final class ViewerMetrics {

    public static final String HTTP_REQUESTS = MetricsSetup.PREFIX + "viewer.http.requests";
    public static final String UNDECODABLE = MetricsSetup.PREFIX + "viewer.records.undecodable";
    public static final String VIEW_CHANGES = MetricsSetup.PREFIX + "viewer.view.changes";
    public static final String SSE_CLIENTS = MetricsSetup.PREFIX + "viewer.sse.clients";
    public static final String FRAME_RENDER = MetricsSetup.PREFIX + "viewer.frame.render";

    private final MeterRegistry registry;

    public ViewerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void httpRequest(String method, String route, int status, Duration duration) {
        Timer.builder(HTTP_REQUESTS).tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .description("requests to the viewer's API and page").register(registry).record(duration);
    }

    public void undecodable(String topic) {
        Counter.builder(UNDECODABLE).tag("topic", topic).description("records the view could not decode and left out")
                .register(registry).increment();
    }

    public void viewChange(String kind) {
        Counter.builder(VIEW_CHANGES).tag("kind", kind).description("records applied to the view").register(registry).increment();
    }

    public void sseClients(Supplier<Number> count) {
        Gauge.builder(SSE_CLIENTS, count).description("open /api/events streams").register(registry);
    }

    public void frameRendered(String outcome, Duration duration) {
        Timer.builder(FRAME_RENDER).tag("outcome", outcome).description("frames fetched, decoded and rendered as PNG")
                .register(registry).record(duration);
    }
}
