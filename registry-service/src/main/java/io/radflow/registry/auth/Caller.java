package io.radflow.registry.auth;

import io.radflow.registry.RegistryException;

/**
 * Who sent a request: a user authenticated by an API key, or nobody.
 *
 * @param userId      null for anonymous callers
 * @param systemAdmin administers the whole registry
 */
public record Caller(String userId, boolean systemAdmin) {

    public static final Caller ANONYMOUS = new Caller(null, false);

    public static Caller user(String userId) {
        return new Caller(userId, false);
    }

    public static Caller admin(String userId) {
        return new Caller(userId, true);
    }

    public boolean anonymous() {
        return userId == null;
    }

    public boolean is(String user) {
        return userId != null && userId.equals(user);
    }

    /** The caller's user id; anonymous callers get 401. */
    public String requireUser() {
        if (anonymous()) {
            throw RegistryException.unauthenticated("this request needs an API key: send 'Authorization: Bearer <key>'");
        }
        return userId;
    }

    /** For audit fields of events. */
    public String name() {
        return anonymous() ? "anonymous" : userId;
    }
}
