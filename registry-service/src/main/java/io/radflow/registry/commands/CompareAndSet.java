package io.radflow.registry.commands;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.registry.RegistryMetrics;
import io.radflow.schemas.avro.CommandReply;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The write loop shared by models and projects: read the latest state from the view, compute the
 * next state, send it as a compare-and-set command, and on a revision conflict wait for the newer
 * state and compute again. Returns the state the view shows after the write (read-your-writes).
 */
final class CompareAndSet<T> {

    /** Attempts of one write against concurrent changes before answering 409. */
    static final int MAX_ATTEMPTS = 20;

    /**
     * How to read, key and write one kind of aggregate.
     *
     * @param commandKey the command key: the project the aggregate belongs to
     */
    record Kind<T>(String name, Function<String, Optional<T>> read, ToLongFunction<T> revision,
                   Function<T, String> commandKey, Function<T, Object> putAction, RevisionWait awaitRevision) {
    }

    /** Waits until the view shows an aggregate at a revision (0: gone). */
    @FunctionalInterface
    interface RevisionWait {
        void await(String id, long revision, Duration timeout);
    }

    private final Kind<T> kind;
    private final CommandGateway gateway;
    private final Duration timeout;
    private final RegistryMetrics metrics;

    CompareAndSet(Kind<T> kind, CommandGateway gateway, Duration timeout, RegistryMetrics metrics) {
        this.kind = kind;
        this.gateway = gateway;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    /** Writes a new aggregate; {@code onNameTaken} explains a NAME_TAKEN answer. */
    T create(String id, T value, String issuedBy, Function<CommandReply, RegistryException> onTaken) {
        long started = System.nanoTime();
        CommandReply reply = gateway.submit(kind.commandKey().apply(value), issuedBy, 0, kind.putAction().apply(value), timeout);
        switch (reply.getOutcome()) {
            case ACCEPTED -> {
                kind.awaitRevision().await(id, reply.getRevision(), timeout);
                metrics.writeConfirmed("create-" + kind.name(), Duration.ofNanos(System.nanoTime() - started));
                return kind.read().apply(id).orElseThrow();
            }
            case NAME_TAKEN, REVISION_CONFLICT -> throw onTaken.apply(reply);
            default -> throw rejected(reply);
        }
    }

    T update(String id, OptionalLong ifMatch, UnaryOperator<T> change, String issuedBy) {
        long started = System.nanoTime();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            T current = kind.read().apply(id).orElseThrow(() -> RegistryException.notFound(kind.name() + " " + id + " no longer exists"));
            long revision = kind.revision().applyAsLong(current);
            if (ifMatch.isPresent() && ifMatch.getAsLong() != revision) {
                throw new RegistryException(Reason.PRECONDITION_FAILED, "If-Match: " + kind.name() + " is at revision " + revision
                        + ", not " + ifMatch.getAsLong());
            }
            T next = change.apply(current);
            if (next == current) {
                return current;
            }
            CommandReply reply = gateway.submit(kind.commandKey().apply(current), issuedBy, revision, kind.putAction().apply(next), timeout);
            switch (reply.getOutcome()) {
                case ACCEPTED -> {
                    kind.awaitRevision().await(id, reply.getRevision(), timeout);
                    metrics.writeConfirmed("update-" + kind.name(), Duration.ofNanos(System.nanoTime() - started));
                    return kind.read().apply(id).orElseThrow();
                }
                case REVISION_CONFLICT -> {
                    if (ifMatch.isPresent()) {
                        throw new RegistryException(Reason.PRECONDITION_FAILED, "If-Match: " + kind.name()
                                + " changed meanwhile (now at revision " + reply.getRevision() + ")");
                    }
                    kind.awaitRevision().await(id, reply.getRevision(), timeout);
                }
                case NAME_TAKEN -> throw RegistryException.alreadyExists(reply.getMessage());
                case NOT_FOUND -> throw RegistryException.notFound(kind.name() + " " + id + " no longer exists");
                default -> throw rejected(reply);
            }
        }
        throw RegistryException.conflict(kind.name() + " " + id + " is changing too fast; try again");
    }

    static RegistryException rejected(CommandReply reply) {
        return new RegistryException(Reason.INTERNAL, "the command processor rejected the write: " + reply.getOutcome() + " " + reply.getMessage());
    }
}
