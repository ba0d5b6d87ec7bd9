package dev.vigil.connectors;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code "sinks"} object of a JSON configuration file: sink name to declaration.
 *
 * <pre>{@code
 * "sinks": {
 *   "fraud_hook": {"type": "webhook", "url": "https://hooks.example.com/fraud", "timeout": "2s",
 *                  "headers": {"Authorization": "Bearer ..."}, "rules": ["card-testing"]},
 *   "archive":    {"type": "file", "path": "alerts/all.ndjson", "maxBytes": 10485760, "rules": ["*"]},
 *   "console":    {"type": "log"},
 *   "to_kafka":   {"type": "kafka", "topic": "fraud-alerts", "bootstrapServers": "kafka1:9092",
 *                  "properties": {"security.protocol": "SSL"}, "rules": ["*"]}
 * }
 * }</pre>
 *
 * Every mistake is reported with the path of the offending value ({@code sinks.archive.maxBytes: ...}); unknown
 * fields are mistakes too, so a misspelt setting is never silently ignored. Values are what a JSON parser gives
 * (maps, lists, strings, numbers), as plain Java collections or Vert.x {@code JsonObject}/{@code JsonArray}.
 *
 * <p>Stateless.
 */
public final class SinkDeclarations {
    private static final Set<String> COMMON = Set.of("type", "rules", "queueCapacity");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "webhook", Set.of("url", "timeout", "maxRetries", "initialBackoff", "maxBackoff", "maxInFlight",
                    "headers"),
            "file", Set.of("path", "maxBytes", "rotateEvery", "maxFiles"),
            "log", Set.of(),
            "kafka", Set.of("topic", "bootstrapServers", "transactionalId", "properties"));
    /** The fields that are durations ({@link Durations}). */
    private static final Set<String> DURATIONS = Set.of("timeout", "initialBackoff", "maxBackoff", "rotateEvery");
    /**
     * What a duration's former name adds ({@code timeoutMs} for {@code timeout}): those names took milliseconds and
     * are deprecated, still read as they were, so existing files keep working.
     */
    private static final String DEPRECATED_SUFFIX = "Ms";

    private SinkDeclarations() {}

    /**
     * @param sinks the value of the configuration's {@code "sinks"} key
     * @param base the folder relative file paths are resolved against (the configuration file's)
     */
    public static List<SinkDeclaration> parse(Object sinks, Path base) throws InvalidSinkException {
        Map<String, Object> byName = object(sinks, "sinks");
        List<SinkDeclaration> out = new ArrayList<>();
        for (Map.Entry<String, Object> entry : byName.entrySet()) {
            out.add(parse(entry.getKey(), entry.getValue(), base));
        }
        return out;
    }

    /** One declaration: {@code json} is the object under {@code sinks.<name>}. */
    public static SinkDeclaration parse(String name, Object json, Path base) throws InvalidSinkException {
        String at = "sinks." + name;
        if (name.isBlank()) {
            throw new InvalidSinkException("sinks: a sink needs a non-empty name");
        }
        if (FIELDS.containsKey(name.toLowerCase(Locale.ROOT))) {
            throw new InvalidSinkException(at + ": '" + name + "' is a sink type (TO " + name.toLowerCase(Locale.ROOT)
                    + " in a rule means that type); choose another name");
        }
        Map<String, Object> fields = object(json, at);
        Object typeValue = fields.get("type");
        if (!(typeValue instanceof String type) || !FIELDS.containsKey(type)) {
            throw new InvalidSinkException(at + ".type: expected \"webhook\", \"file\", \"log\" or \"kafka\", got "
                    + describe(typeValue));
        }
        for (String field : fields.keySet()) {
            String current = field.endsWith(DEPRECATED_SUFFIX)
                    ? field.substring(0, field.length() - DEPRECATED_SUFFIX.length()) : null;
            boolean deprecated = current != null && DURATIONS.contains(current) && FIELDS.get(type).contains(current);
            if (!COMMON.contains(field) && !FIELDS.get(type).contains(field) && !deprecated) {
                List<String> known = new ArrayList<>(FIELDS.get(type));
                known.addAll(COMMON);
                known.sort(null);
                throw new InvalidSinkException(at + "." + field + ": unknown field; a " + type + " sink takes "
                        + String.join(", ", known));
            }
        }
        Reader read = new Reader(at, fields);
        int queueCapacity = (int) read.number("queueCapacity", type.equals("kafka")
                ? SinkSpec.Kafka.DEFAULT_QUEUE_CAPACITY : SinkSpec.DEFAULT_QUEUE_CAPACITY, 1, Integer.MAX_VALUE);
        SinkSpec spec;
        if (type.equals("webhook")) {
            long initial = read.duration("initialBackoff", SinkSpec.Webhook.DEFAULT_INITIAL_BACKOFF_MS, 1);
            spec = new SinkSpec.Webhook(read.url("url"),
                    read.duration("timeout", SinkSpec.Webhook.DEFAULT_TIMEOUT_MS, 1),
                    (int) read.number("maxRetries", SinkSpec.Webhook.DEFAULT_MAX_RETRIES, 0, Integer.MAX_VALUE),
                    initial,
                    read.duration("maxBackoff", Math.max(initial, SinkSpec.Webhook.DEFAULT_MAX_BACKOFF_MS), initial),
                    queueCapacity,
                    (int) read.number("maxInFlight", SinkSpec.Webhook.DEFAULT_MAX_IN_FLIGHT, 1, Integer.MAX_VALUE),
                    read.headers("headers"));
        } else if (type.equals("file")) {
            spec = new SinkSpec.File(read.path("path", base),
                    read.number("maxBytes", SinkSpec.File.DEFAULT_MAX_BYTES, 1, Long.MAX_VALUE),
                    read.duration("rotateEvery", SinkSpec.File.DEFAULT_ROTATE_EVERY_MS, 0),
                    (int) read.number("maxFiles", 0, 0, Integer.MAX_VALUE), queueCapacity);
        } else if (type.equals("kafka")) {
            String topic = read.text("topic");
            if (!SinkSpec.Kafka.isTopicName(topic)) {
                throw new InvalidSinkException(at + ".topic: expected a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, "
                        + "'.', '_', '-'), got " + describe(topic));
            }
            Map<String, String> properties = read.properties("properties");
            for (String setting : properties.keySet()) {
                String owner = KafkaSink.OWN_SETTINGS.get(setting);
                if (owner != null) {
                    throw new InvalidSinkException(at + ".properties." + setting + ": " + owner);
                }
            }
            spec = new SinkSpec.Kafka(topic, read.optionalText("bootstrapServers"),
                    read.optionalText("transactionalId"), properties, queueCapacity);
        } else {
            spec = new SinkSpec.Log(queueCapacity);
        }
        return new SinkDeclaration(name, spec, read.strings("rules"));
    }

    /** Reads typed fields of one declaration, naming {@code at.field} in every complaint. */
    private record Reader(String at, Map<String, Object> fields) {
        long number(String field, long fallback, long min, long max) throws InvalidSinkException {
            Object value = fields.get(field);
            if (value == null) {
                return fallback;
            }
            boolean whole = value instanceof Integer || value instanceof Long || value instanceof BigInteger;
            if (!whole || new BigInteger(value.toString()).compareTo(BigInteger.valueOf(min)) < 0
                    || new BigInteger(value.toString()).compareTo(BigInteger.valueOf(max)) > 0) {
                String expected = min == 1 && max == Long.MAX_VALUE ? "a positive integer"
                        : max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "an integer >= " + min
                        : "an integer in " + min + ".." + max;
                throw new InvalidSinkException(at + "." + field + ": expected " + expected + ", got "
                        + describe(value));
            }
            return ((Number) value).longValue();
        }

        /**
         * A duration ({@link Durations}) of at least {@code minMs}, under {@code field} or its deprecated name
         * {@code field + "Ms"} (milliseconds, read as before); both at once is a mistake.
         */
        long duration(String field, long fallbackMs, long minMs) throws InvalidSinkException {
            String old = field + DEPRECATED_SUFFIX;
            Object value = fields.get(field);
            if (value != null && fields.get(old) != null) {
                throw new InvalidSinkException(at + "." + field + " and " + at + "." + old + " name the same setting ("
                        + old + " is its deprecated name, in milliseconds); give " + field + " only");
            }
            if (value == null) {
                return number(old, fallbackMs, minMs, Long.MAX_VALUE);
            }
            Long ms = value instanceof String text ? Durations.millis(text)
                    : value instanceof Integer || value instanceof Long ? ((Number) value).longValue() : null;
            if (ms == null || ms < minMs) {
                throw new InvalidSinkException(at + "." + field + ": expected " + Durations.SYNTAX
                        + (minMs > 0 ? ", of at least " + Durations.format(minMs) : "") + ", got " + describe(value));
            }
            return ms;
        }

        URI url(String field) throws InvalidSinkException {
            String text = text(field);
            try {
                URI uri = new URI(text);
                if (SinkSpec.Webhook.isHttpUrl(uri)) {
                    return uri;
                }
            } catch (URISyntaxException bad) {
                // reported below, like any other non-URL
            }
            throw new InvalidSinkException(at + "." + field + ": expected an http:// or https:// URL with a host, got "
                    + describe(text));
        }

        Path path(String field, Path base) throws InvalidSinkException {
            String text = text(field);
            try {
                Path path = Path.of(text);
                return base == null || path.isAbsolute() ? path : base.resolve(path).normalize();
            } catch (InvalidPathException bad) {
                throw new InvalidSinkException(at + "." + field + ": expected a file path, got " + describe(text));
            }
        }

        String text(String field) throws InvalidSinkException {
            Object value = fields.get(field);
            if (!(value instanceof String text) || text.isBlank()) {
                throw new InvalidSinkException(at + "." + field + ": expected a non-empty string, got "
                        + describe(value));
            }
            return text;
        }

        /** A non-empty string, or null when the field is absent. */
        String optionalText(String field) throws InvalidSinkException {
            return fields.get(field) == null ? null : text(field);
        }

        /** Kafka client settings: names to strings, numbers or booleans (as Kafka reads them: text). */
        Map<String, String> properties(String field) throws InvalidSinkException {
            return texts(field, true, "expected a Kafka client setting with a string, number or boolean value");
        }

        List<String> strings(String field) throws InvalidSinkException {
            Object value = fields.get(field);
            if (value == null) {
                return List.of();
            }
            List<?> list = value instanceof JsonArray array ? array.getList() : value instanceof List<?> l ? l : null;
            if (list == null) {
                throw new InvalidSinkException(at + "." + field + ": expected an array of rule names (\"*\": every "
                        + "rule), got " + describe(value));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String name) || name.isEmpty()) {
                    throw new InvalidSinkException(at + "." + field + "[" + i + "]: expected a rule name, got "
                            + describe(list.get(i)));
                }
                out.add(name);
            }
            return out;
        }

        Map<String, String> headers(String field) throws InvalidSinkException {
            return texts(field, false, "expected a header name with a string value");
        }

        /**
         * An object of names to strings (and, with {@code scalars}, numbers and booleans, as text). The values are
         * often secrets (tokens, passwords): complaints name the entry, never its value.
         */
        private Map<String, String> texts(String field, boolean scalars, String expected)
                throws InvalidSinkException {
            Object value = fields.get(field);
            if (value == null) {
                return Map.of();
            }
            Map<String, Object> object = object(value, at + "." + field);
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : object.entrySet()) {
                Object text = entry.getValue();
                if (entry.getKey().isBlank() || !(text instanceof String
                        || scalars && (text instanceof Number || text instanceof Boolean))) {
                    throw new InvalidSinkException(at + "." + field + "." + entry.getKey() + ": " + expected);
                }
                out.put(entry.getKey(), text.toString());
            }
            return out;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String at) throws InvalidSinkException {
        if (value instanceof JsonObject json) {
            return json.getMap();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new InvalidSinkException(at + ": expected a JSON object, got " + describe(value));
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String text) {
            return "\"" + text + "\"";
        }
        if (value instanceof Map<?, ?> || value instanceof JsonObject) {
            return "an object";
        }
        if (value instanceof List<?> || value instanceof JsonArray) {
            return "an array";
        }
        return value.toString();
    }
}
