package io.radflow.registry.api;

import io.javalin.http.Context;
import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.registry.auth.Caller;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Small helpers every route uses: who is calling, query parameters, conditional requests. The
 * prediction view uses them too, with the same API keys.
 */
public final class HttpSupport {

    private static final String CALLER = "radflow.caller";

    private final Function<String, Caller> authenticate;

    /** @param authenticate the caller an Authorization header names (anonymous for none; throws 401) */
    public HttpSupport(Function<String, Caller> authenticate) {
        this.authenticate = authenticate;
    }

    /** The authenticated caller (anonymous without an Authorization header; 401 for a bad one). */
    public Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        if (caller == null) {
            caller = authenticate.apply(ctx.header("Authorization"));
            ctx.attribute(CALLER, caller);
        }
        return caller;
    }

    public static Boolean boolParam(Context ctx, String name) {
        return bool(name, ctx.queryParam(name));
    }

    /** A boolean parameter's text (true/false, 1/0, yes/no); null or blank is null. */
    static Boolean bool(String name, String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw RegistryException.invalid("query parameter " + name + " must be true or false, not '" + v + "'");
        };
    }

    public static int intParam(Context ctx, String name, int fallback, int min, int max) {
        return integer(name, ctx.queryParam(name), fallback, min, max);
    }

    /** An integer parameter's text, bounded; null or blank is {@code fallback}. */
    static int integer(String name, String v, int fallback, int min, int max) {
        if (v == null || v.isBlank()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw RegistryException.invalid("query parameter " + name + " must be an integer, not '" + v + "'");
        }
        if (value < min || value > max) {
            throw RegistryException.invalid("query parameter " + name + " must be between " + min + " and " + max);
        }
        return value;
    }

    static int intPath(Context ctx, String name) {
        try {
            return Integer.parseInt(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw RegistryException.notFound(name + " '" + ctx.pathParam(name) + "' not found");
        }
    }

    /** If-Match: "7" (an ETag the API gave out) for an update that must start from revision 7. */
    static OptionalLong ifMatch(Context ctx) {
        String v = ctx.header("If-Match");
        if (v == null || v.isBlank()) {
            return OptionalLong.empty();
        }
        String tag = v.trim().replaceFirst("^W/", "").replace("\"", "");
        try {
            return OptionalLong.of(Long.parseLong(tag));
        } catch (NumberFormatException e) {
            throw new RegistryException(Reason.PRECONDITION_FAILED, "If-Match must be an ETag this API returned, such as \"3\"");
        }
    }

    static void etag(Context ctx, long revision) {
        ctx.header("ETag", "\"" + revision + "\"");
    }
}
