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

    /** {@code webhook}, {@code file} or {@code log}: the word used in rules, configuration and metrics. */
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

    private static void positive(String field, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " " + value + " < 1");
        }
    }
}
