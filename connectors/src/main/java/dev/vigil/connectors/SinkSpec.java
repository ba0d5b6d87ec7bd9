package dev.vigil.connectors;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How to open one sink: its type and settings, immutable and comparable, so that two rules naming the same inline
 * sink can share one. Built by {@link SinkDeclarations} from configuration or by the server from a rule's
 * {@code TO} clause; opened by {@link Sinks#open}.
 */
public sealed interface SinkSpec {
    /** Alerts a sink holds before it drops new ones, unless configured otherwise. */
    int DEFAULT_QUEUE_CAPACITY = 10_000;

    /** {@code webhook}, {@code file}, {@code log} or {@code kafka}: the word used in rules, configuration and metrics. */
    String type();

    int queueCapacity();

    /**
     * POST each alert's JSON to {@code url}.
     *
     * @param timeoutMs how long one attempt may take, connecting included, before it counts as failed
     * @param maxRetries attempts after the first one; 0 never retries
     * @param initialBackoffMs the wait before the first retry; each further retry waits twice as long ...
     * @param maxBackoffMs ... up to this
     * @param maxInFlight requests sent and not yet answered, at most
     * @param headers extra request headers (e.g. {@code Authorization}); their values never appear in
     *     {@link #toString}
     */
    record Webhook(URI url, long timeoutMs, int maxRetries, long initialBackoffMs, long maxBackoffMs,
            int queueCapacity, int maxInFlight, Map<String, String> headers) implements SinkSpec {
        public static final long DEFAULT_TIMEOUT_MS = 5_000;
        public static final int DEFAULT_MAX_RETRIES = 8;
        public static final long DEFAULT_INITIAL_BACKOFF_MS = 200;
        public static final long DEFAULT_MAX_BACKOFF_MS = 30_000;
        public static final int DEFAULT_MAX_IN_FLIGHT = 4;

        /** True for an {@code http://} or {@code https://} URL with a host: what a webhook can post to. */
        public static boolean isHttpUrl(URI url) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && url.getHost() != null;
        }

        public Webhook {
            if (!isHttpUrl(url)) {
                throw new IllegalArgumentException("webhook url " + url + " is not http(s) with a host");
            }
            positive("timeoutMs", timeoutMs);
            positive("initialBackoffMs", initialBackoffMs);
            positive("queueCapacity", queueCapacity);
            positive("maxInFlight", maxInFlight);
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries " + maxRetries + " < 0");
            }
            if (maxBackoffMs < initialBackoffMs) {
                throw new IllegalArgumentException("maxBackoffMs " + maxBackoffMs + " < initialBackoffMs "
                        + initialBackoffMs);
            }
            headers = Map.copyOf(new LinkedHashMap<>(headers));
        }

        /** A webhook with the default settings. */
        public static Webhook to(URI url) {
            return new Webhook(url, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RETRIES, DEFAULT_INITIAL_BACKOFF_MS,
                    DEFAULT_MAX_BACKOFF_MS, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_IN_FLIGHT, Map.of());
        }

        @Override
        public String type() {
            return "webhook";
        }

        @Override
        public String toString() {
            return "Webhook[url=" + url + ", timeoutMs=" + timeoutMs + ", maxRetries=" + maxRetries
                    + ", initialBackoffMs=" + initialBackoffMs + ", maxBackoffMs=" + maxBackoffMs
                    + ", queueCapacity=" + queueCapacity + ", maxInFlight=" + maxInFlight + ", headers="
                    + headers.keySet() + "]";
        }
    }

    /**
     * Append each alert as one line of NDJSON to {@code path}, rotating it by size and age.
     *
     * @param maxBytes the file is rotated before a line would take it past this size
     * @param rotateEveryMs the file is rotated once it has been open this long (and holds a line); 0: never
     * @param maxFiles rotated files kept, the oldest deleted first; 0 keeps all
     */
    record File(Path path, long maxBytes, long rotateEveryMs, int maxFiles, int queueCapacity) implements SinkSpec {
        public static final long DEFAULT_MAX_BYTES = 100L << 20;
        public static final long DEFAULT_ROTATE_EVERY_MS = 24 * 3_600_000L;

        public File {
            positive("maxBytes", maxBytes);
            positive("queueCapacity", queueCapacity);
            if (rotateEveryMs < 0 || maxFiles < 0) {
                throw new IllegalArgumentException("rotateEveryMs " + rotateEveryMs + " or maxFiles " + maxFiles
                        + " < 0");
            }
            path = path.normalize();
        }

        /** A file sink with the default settings: 100 MiB or one day per file, every rotated file kept. */
        public static File at(Path path) {
            return new File(path, DEFAULT_MAX_BYTES, DEFAULT_ROTATE_EVERY_MS, 0, DEFAULT_QUEUE_CAPACITY);
        }

        @Override
        public String type() {
            return "file";
        }
    }

    /** Write one line per alert (time, rule, severity, key, id) to the server's standard output. */
    record Log(int queueCapacity) implements SinkSpec {
        public Log {
            positive("queueCapacity", queueCapacity);
        }

        public static Log defaults() {
            return new Log(DEFAULT_QUEUE_CAPACITY);
        }

        @Override
        public String type() {
            return "log";
        }
    }

    /**
     * Write each alert as a record to a Kafka topic, in transactions, following the server's alert log
     * ({@link KafkaSink}): key the alert id, value its JSON, headers its rule, version, kind and log position.
     *
     * @param bootstrapServers the cluster ({@code host:port,...}), or {@code null} for the server's default
     *     ({@code kafka.bootstrapServers}), filled in by {@link #withBootstrapServers} before the sink opens
     * @param transactionalId the producer's transactional id, or {@code null} for {@code vigil-<sink name>}: one
     *     writer per id, so two servers writing the same topic each need their own
     * @param properties Kafka client settings passed through to the producer and to the consumer that reads where
     *     the sink stopped (security, timeouts, ...); their values never appear in {@link #toString}
     * @param queueCapacity alerts read from the alert log ahead of the topic at most: one transaction's records
     */
    record Kafka(String topic, String bootstrapServers, String transactionalId, Map<String, String> properties,
            int queueCapacity) implements SinkSpec {
        /** Alerts per transaction at most, unless configured otherwise. */
        public static final int DEFAULT_QUEUE_CAPACITY = 1_000;

        public Kafka {
            if (!isTopicName(topic)) {
                throw new IllegalArgumentException("kafka topic '" + topic + "' is not a topic name");
            }
            positive("queueCapacity", queueCapacity);
            properties = Map.copyOf(new LinkedHashMap<>(properties));
        }

        /** A sink to {@code topic} with the default settings and the server's cluster. */
        public static Kafka to(String topic) {
            return new Kafka(topic, null, null, Map.of(), DEFAULT_QUEUE_CAPACITY);
        }

        /**
         * True for what Kafka takes as a topic name: 1 to 249 of ASCII letters, digits, {@code .}, {@code _} and
         * {@code -}, not {@code .} or {@code ..}.
         */
        public static boolean isTopicName(String topic) {
            if (topic == null || topic.isEmpty() || topic.length() > 249 || topic.equals(".") || topic.equals("..")) {
                return false;
            }
            for (int i = 0; i < topic.length(); i++) {
                char c = topic.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                        || c == '-')) {
                    return false;
                }
            }
            return true;
        }

        /** This sink with {@code servers} as its cluster when it names none. */
        public Kafka withBootstrapServers(String servers) {
            return bootstrapServers != null ? this
                    : new Kafka(topic, servers, transactionalId, properties, queueCapacity);
        }

        @Override
        public String type() {
            return "kafka";
        }

        @Override
        public String toString() {
            return "Kafka[topic=" + topic + ", bootstrapServers=" + bootstrapServers + ", transactionalId="
                    + transactionalId + ", properties=" + properties.keySet() + ", queueCapacity=" + queueCapacity
                    + "]";
        }
    }

    private static void positive(String field, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " " + value + " < 1");
        }
    }
}
