package io.radflow.schemaregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.common.error.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.AvroRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent Schema Registry REST client over {@link HttpClient}. It speaks only the documented
 * API, so it works unchanged against Confluent, Karapace, Redpanda and Apicurio's
 * {@code /apis/ccompat/v7}. Ids by (subject, schema) and schemas by id are cached for the life of
 * the client: both are immutable in the registry.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";
    private static final int MAX_ATTEMPTS = 3;

    private final SchemaRegistrySettings settings;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public HttpSchemaRegistryClient(SchemaRegistrySettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    /** Number of HTTP requests sent so far; lets tests and metrics see the cache at work. */
    public long requestCount() {
        return requests.get();
    }

    public URI baseUrl() {
        return settings.baseUrl();
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "subjects/" + enc(subject) + "/versions", schemaBody(schema),
                "registering a schema under subject '" + subject + "'", Reason.SUBJECT_NOT_FOUND);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException(Reason.SCHEMA_REGISTRY_ERROR,
                    "registry answered without an id when registering under subject '" + subject + "': " + answer);
        }
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        JsonNode answer = send("POST", "subjects/" + enc(subject), schemaBody(schema),
                "looking up a schema under subject '" + subject + "'", Reason.SCHEMA_NOT_FOUND);
        RegisteredSchema found = new RegisteredSchema(subject, answer.path("id").asInt(), answer.path("version").asInt(), schema);
        idsBySubjectSchema.put(key, found.id());
        schemasById.putIfAbsent(found.id(), schema);
        return found;
    }

    /** Cached lookup for serializers that must not register: one HTTP call per (subject, schema). */
    public int idOf(String subject, Schema schema) {
        Integer cached = idsBySubjectSchema.get(new SubjectSchema(subject, schema));
        return cached != null ? cached : lookup(subject, schema).id();
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "schemas/ids/" + id, null, "fetching schema id " + id, Reason.SCHEMA_NOT_FOUND);
        Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", "subjects/" + enc(subject) + "/versions/latest", null,
                "fetching the latest version of subject '" + subject + "'", Reason.SUBJECT_NOT_FOUND);
        Schema schema = parse(answer.path("schema").asText(), "subject '" + subject + "'");
        int id = answer.path("id").asInt();
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, id, answer.path("version").asInt(), schema);
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = send("GET", "subjects", null, "listing subjects", Reason.SCHEMA_REGISTRY_ERROR);
        List<String> subjects = new ArrayList<>();
        answer.forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        JsonNode answer;
        try {
            answer = send("GET", "config/" + enc(subject) + "?defaultToGlobal=true", null,
                    "reading the compatibility level of subject '" + subject + "'", Reason.SUBJECT_NOT_FOUND);
        } catch (SchemaRegistryException e) {
            // Registries without defaultToGlobal answer 404 for subjects with no level of their own.
            if (e.httpStatus() != 404) {
                throw e;
            }
            answer = send("GET", "config", null, "reading the global compatibility level", Reason.SCHEMA_REGISTRY_ERROR);
        }
        String level = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel").asText()
                : answer.path("compatibility").asText();
        return CompatibilityLevel.valueOf(level);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level.name());
        send("PUT", "config/" + enc(subject), body, "setting compatibility " + level + " on subject '" + subject + "'", Reason.SUBJECT_NOT_FOUND);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer = send("POST", "compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
                schemaBody(schema), "checking compatibility with subject '" + subject + "'", Reason.SUBJECT_NOT_FOUND);
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return new CompatibilityResult(answer.path("is_compatible").asBoolean(false), messages);
    }

    private ObjectNode schemaBody(Schema schema) {
        return json.createObjectNode().put("schema", schema.toString());
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (AvroRuntimeException e) {
            throw new SchemaRegistryException(Reason.INVALID_SCHEMA,
                    "registry returned a schema that is not valid Avro for " + what + ": " + e.getMessage());
        }
    }

    private static String enc(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, JsonNode body, String what, Reason notFound) {
        URI uri = settings.baseUrl().resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Accept", ACCEPT);
        settings.basicAuth().ifPresent(auth -> request.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8))));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        IOException lastIo = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            HttpResponse<String> response;
            try {
                requests.incrementAndGet();
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                lastIo = e;
                log.debug("schema registry timeout on {} {} (attempt {})", method, uri, attempt);
                continue;
            } catch (ConnectException e) {
                // Nothing listens: retrying at once will not help and would only delay the error.
                throw unreachable(what, uri, e);
            } catch (IOException e) {
                lastIo = e;
                sleepBeforeRetry(attempt);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable(what, uri, e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return readJson(response.body(), what);
            }
            if (status >= 500 && attempt < MAX_ATTEMPTS) {
                sleepBeforeRetry(attempt);
                continue;
            }
            throw fromErrorResponse(status, response.body(), what, notFound);
        }
        throw unreachable(what, uri, lastIo);
    }

    private JsonNode readJson(String text, String what) {
        try {
            return text == null || text.isBlank() ? json.createObjectNode() : json.readTree(text);
        } catch (IOException e) {
            throw new SchemaRegistryException(Reason.SCHEMA_REGISTRY_ERROR,
                    "schema registry answered with something that is not JSON while " + what + ": " + abbreviate(text), -1, -1, e);
        }
    }

    private SchemaRegistryException fromErrorResponse(int status, String text, String what, Reason notFound) {
        int code = -1;
        String message = abbreviate(text);
        try {
            JsonNode err = json.readTree(text);
            code = err.path("error_code").asInt(-1);
            if (err.hasNonNull("message")) {
                message = err.get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // keep the raw body as the message
        }
        Reason reason;
        String summary;
        if (status == 409) {
            reason = Reason.INCOMPATIBLE_SCHEMA;
            summary = "schema is incompatible with the existing versions";
        } else if (status == 422 || code == 42201) {
            reason = Reason.INVALID_SCHEMA;
            summary = "registry rejected the schema as invalid";
        } else if (status == 404 && code == 40401) {
            reason = Reason.SUBJECT_NOT_FOUND;
            summary = "subject not found";
        } else if (status == 404 && (code == 40403 || code == 40402)) {
            reason = Reason.SCHEMA_NOT_FOUND;
            summary = "schema not found";
        } else if (status == 404) {
            // Registries differ in the 404 codes they send; the caller knows what was missing.
            reason = notFound;
            summary = notFound == Reason.SUBJECT_NOT_FOUND ? "subject not found" : "schema not found";
        } else if (status == 401 || status == 403) {
            reason = Reason.SCHEMA_REGISTRY_ERROR;
            summary = "not authorized (check schema.registry.basic.auth)";
        } else {
            reason = Reason.SCHEMA_REGISTRY_ERROR;
            summary = "registry error";
        }
        return new SchemaRegistryException(reason,
                summary + " while " + what + " (HTTP " + status + (code > 0 ? ", error code " + code : "") + "): " + message,
                status, code, null);
    }

    private SchemaRegistryException unreachable(String what, URI uri, Exception cause) {
        return new SchemaRegistryException(Reason.SCHEMA_REGISTRY_UNREACHABLE,
                "schema registry at " + settings.baseUrl() + " is unreachable while " + what + " ("
                        + (cause == null ? "no answer" : cause.getClass().getSimpleName()
                        + (cause.getMessage() != null ? ": " + cause.getMessage() : "")) + ")", -1, -1, cause);
    }

    private static void sleepBeforeRetry(int attempt) {
        try {
            Thread.sleep(100L * attempt * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient holds no resources that need closing on Java 17.
    }
}
