package io.radflow.worker.runtime.http;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.worker.runtime.Deadline;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One request to an external model with the runtime's retry policy and the failure classes the
 * worker's retries and DLQ go by: 5xx answers and connection errors are tried again with doubling
 * backoff; then a 500 is the model's error (MODEL_ERROR, permanent), while 502/503/504/429 and
 * connection errors mean the model is away (RUNTIME_UNAVAILABLE, retriable). No answer in time is
 * MODEL_TIMEOUT (retriable, not retried here: a slow model is not helped by more load). Any other
 * 4xx is the model refusing the request (MODEL_ERROR).
 */
final class HttpCaller {

    private static final int EXCERPT = 500;

    private final HttpClient client;
    private final int retries;
    private final Duration backoff;

    HttpCaller(HttpClient client, int retries, Duration backoff) {
        this.client = client;
        this.retries = retries;
        this.backoff = backoff;
    }

    /**
     * Sends the request built by {@code request} (built anew per try) and returns the body of a
     * 2xx answer.
     *
     * @param what          names the request in messages, e.g. "POST http://host/api/infer"
     * @param perTry        longest wait for one answer; capped by the deadline
     */
    String send(Supplier<HttpRequest.Builder> request, String what, Duration perTry, Deadline deadline) {
        int attempt = 0;
        RadflowException lastFailure = null;
        while (true) {
            long remaining = deadline.remainingNanos();
            if (remaining == 0) {
                // The backoff used up the time: the failure that caused the retry says more than "no time".
                throw lastFailure != null ? lastFailure
                        : new RadflowException(Reason.MODEL_TIMEOUT, what + ": no time left for the request");
            }
            Duration timeout = Duration.ofNanos(Math.min(perTry.toNanos(), remaining));
            RadflowException failure;
            boolean retriable;
            try {
                HttpResponse<String> response = exchange(request.get().timeout(timeout).build(), timeout);
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response.body();
                }
                retriable = status >= 500 || status == 429;
                failure = statusFailure(what, status, response.body(), attempt + 1);
            } catch (HttpConnectTimeoutException e) {
                retriable = true;
                failure = new RadflowException(Reason.RUNTIME_UNAVAILABLE, what + ": cannot connect (" + e.getMessage() + ") after "
                        + (attempt + 1) + " tries", e);
            } catch (HttpTimeoutException e) {
                throw new RadflowException(Reason.MODEL_TIMEOUT, what + ": no answer within " + timeout.toMillis() + " ms", e);
            } catch (IOException e) {
                retriable = true;
                failure = new RadflowException(Reason.RUNTIME_UNAVAILABLE, what + ": connection failed (" + e + ") after "
                        + (attempt + 1) + " tries", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, what + ": interrupted", e);
            }
            if (!retriable || attempt >= retries) {
                throw failure;
            }
            lastFailure = failure;
            sleep(backoff.multipliedBy(1L << Math.min(attempt, 20)), deadline);
            attempt++;
        }
    }

    /**
     * One exchange, body included, within {@code timeout}. The request's own timeout covers only
     * the wait for the headers on Java 17 (JDK-8208693): a model that sends headers and then stalls
     * its body would hold the call until the batch's deadline.
     */
    private HttpResponse<String> exchange(HttpRequest request, Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("request timed out (body included)");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }

    private static RadflowException statusFailure(String what, int status, String body, int tries) {
        String excerpt = body == null ? "" : body.length() > EXCERPT ? body.substring(0, EXCERPT) + "..." : body;
        String message = what + " answered HTTP " + status + (status >= 500 || status == 429 ? " after " + tries + " tries" : "")
                + (excerpt.isBlank() ? "" : ": " + excerpt.strip());
        if (status == 401 || status == 403) {
            message += " (check the version's httpEndpoint.authHeader and worker.http.secrets.dir)";
        }
        Reason reason = status == 502 || status == 503 || status == 504 || status == 429 ? Reason.RUNTIME_UNAVAILABLE : Reason.MODEL_ERROR;
        return new RadflowException(reason, message);
    }

    private static void sleep(Duration d, Deadline deadline) {
        long nanos = Math.min(d.toNanos(), deadline.remainingNanos());
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "interrupted while waiting to retry", e);
        }
    }
}
