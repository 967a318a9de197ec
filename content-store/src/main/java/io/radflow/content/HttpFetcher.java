package io.radflow.content;

import io.radflow.common.error.Reason;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * GETs content over HTTP with one deadline for the whole fetch, headers and body: the request
 * timeout covers the headers, and a timer closes the body stream when the deadline passes, so a
 * server that stalls mid-body cannot hang a worker. Failures are classified once, here: timeouts
 * are CONTENT_FETCH_TIMEOUT, 404 is CONTENT_NOT_FOUND, everything else CONTENT_FETCH_FAILED.
 */
final class HttpFetcher {

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "radflow-content-deadline");
        t.setDaemon(true);
        return t;
    });

    private final HttpClient client;
    private final Duration timeout;
    private final String authorization;
    private final String authKey;

    /**
     * @param basicAuth user:password, or null
     * @param authKey   the config key that holds the credentials, named in errors about them
     */
    HttpFetcher(HttpClient client, Duration timeout, String basicAuth, String authKey) {
        this.client = client;
        this.timeout = timeout;
        this.authorization = basicAuth == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
        this.authKey = authKey;
    }

    static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The response of a successful GET; the body stream fails once the deadline has passed. */
    Response get(URI target, String accept, URI shownAs) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw timedOut(shownAs, e);
        } catch (IOException e) {
            throw new ContentException(Reason.CONTENT_FETCH_FAILED, "cannot fetch " + shownAs + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContentException(Reason.CONTENT_FETCH_FAILED, "interrupted while fetching " + shownAs, e);
        }
        int status = response.statusCode();
        if (status != 200) {
            closeQuietly(response.body());
            if (status == 404) {
                throw new ContentException(Reason.CONTENT_NOT_FOUND, "no content at " + shownAs + " (HTTP 404)");
            }
            String hint = status == 401 || status == 403 ? ": check " + authKey : "";
            throw new ContentException(Reason.CONTENT_FETCH_FAILED, "fetching " + shownAs + " failed with HTTP " + status + hint);
        }
        DeadlineStream body = new DeadlineStream(response.body(), deadline, shownAs);
        return new Response(body, response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    /** A successful response: read the body before the deadline. */
    record Response(DeadlineStream body, String contentType, long contentLength) {
    }

    ContentException timedOut(URI uri, Throwable cause) {
        return new ContentException(Reason.CONTENT_FETCH_TIMEOUT, "fetching " + uri + " took longer than " + timeout.toMillis()
                + " ms (content.http.timeout)", cause);
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the response is being discarded
        }
    }

    /** Closes the body at the deadline; reads after that fail with a timeout. */
    final class DeadlineStream extends FilterInputStream {
        private final ScheduledFuture<?> alarm;
        private final URI uri;
        private volatile boolean expired;

        DeadlineStream(InputStream in, long deadlineNanos, URI uri) {
            super(in);
            this.uri = uri;
            this.alarm = DEADLINES.schedule(() -> {
                expired = true;
                closeQuietly(in);
            }, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw expired ? new IOException(timedOut(uri, e)) : e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n < 0 && expired) {
                    throw new IOException(timedOut(uri, null));
                }
                return n;
            } catch (IOException e) {
                if (e.getCause() instanceof ContentException) {
                    throw e;
                }
                throw expired ? new IOException(timedOut(uri, e)) : e;
            }
        }

        @Override
        public void close() throws IOException {
            alarm.cancel(false);
            super.close();
        }

        /** Reads everything up to {@code maxBytes}, classifying failures. */
        byte[] readAll(long maxBytes) {
            try (this) {
                byte[] bytes = readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new ContentException(Reason.CONTENT_FETCH_FAILED, "content at " + uri + " is larger than the limit of "
                            + maxBytes + " bytes");
                }
                return bytes;
            } catch (IOException e) {
                if (e.getCause() instanceof ContentException ce) {
                    throw ce;
                }
                throw new ContentException(Reason.CONTENT_FETCH_FAILED, "cannot read " + uri + ": " + describe(e), e);
            }
        }
    }
}
