package io.radflow.viewer.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.sse.SseClient;
import io.radflow.viewer.view.PredictionView;
import io.radflow.viewer.view.ViewChange;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events for {@code /api/events}: every change the view applies goes, as an event named
 * by its kind ({@code instance}, {@code job}, {@code job-status}, {@code prediction}), to the
 * streams open on its project. Changes arrive on the Kafka Streams global thread and are handed to
 * one sender thread here, so a slow client never holds up the view.
 */
public final class EventHub implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);

    private record Subscriber(SseClient client, String projectId) {
    }

    private final ObjectMapper json;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "viewer-events");
        t.setDaemon(true);
        return t;
    });
    private volatile PredictionView view;

    public EventHub(ObjectMapper json, Duration keepAlive) {
        this.json = json;
        sender.scheduleAtFixedRate(() -> subscribers.forEach(s -> send(s, null, null)), keepAlive.toMillis(), keepAlive.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The view, to find the project and study of a job-status change (set once the stores are up). */
    public void view(PredictionView view) {
        this.view = view;
    }

    /** Called by the view for every change it applied. */
    public void changed(ViewChange change) {
        if (sender.isShutdown()) {
            return;
        }
        sender.execute(() -> publish(change));
    }

    int size() {
        return subscribers.size();
    }

    void subscribe(SseClient client, String projectId) {
        Subscriber s = new Subscriber(client, projectId);
        subscribers.add(s);
        client.onClose(() -> subscribers.remove(s));
        client.sendComment("subscribed to project " + projectId);
        client.keepAlive();
    }

    private void publish(ViewChange change) {
        PredictionView v = view;
        if ("job".equals(change.kind()) && v != null) {
            v.jobSeen(change.id(), change.projectId(), change.studyUid());
        }
        if (subscribers.isEmpty()) {
            return;
        }
        ViewChange resolved = change;
        if (resolved.projectId() == null) {
            Optional<String[]> where = v == null ? Optional.empty() : v.studyOfJob(change.id());
            if (where.isEmpty()) {
                return;
            }
            resolved = new ViewChange(change.kind(), where.get()[0], where.get()[1], change.id());
        }
        ObjectNode data = json.createObjectNode();
        data.put("kind", resolved.kind());
        data.put("project", resolved.projectId());
        data.put("studyUid", resolved.studyUid());
        data.put("id", resolved.id());
        String text = data.toString();
        for (Subscriber s : subscribers) {
            if (s.projectId().equals(resolved.projectId())) {
                send(s, resolved.kind(), text);
            }
        }
    }

    private void send(Subscriber s, String event, String data) {
        try {
            if (s.client().terminated()) {
                subscribers.remove(s);
            } else if (event == null) {
                s.client().sendComment("keep-alive");
            } else {
                s.client().sendEvent(event, data);
            }
        } catch (RuntimeException e) {
            // The client went away; Javalin ends its response when the emitter reports it closed.
            log.debug("dropping an event stream that failed error={}", e.toString());
            subscribers.remove(s);
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Subscriber> open = List.copyOf(subscribers);
        subscribers.clear();
        open.forEach(s -> s.client().close());
    }
}
