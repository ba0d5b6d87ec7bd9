package dev.vigil.connectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the alerts of its rules to a Kafka topic exactly once, across crashes of the server: the sink follows the
 * server's durable alert log ({@link AlertFeed}) instead of a queue of offered alerts, and the topic itself says how
 * far it got.
 *
 * <p>Each alert becomes one record: key the alert id, value the alert's JSON (as every sink gets it), headers
 * {@code vigil.rule}, {@code vigil.version}, {@code vigil.kind}, {@code vigil.position} (the alert's number in the
 * alert log) and {@code vigil.sink} (this sink's name). The producer is idempotent ({@code acks=all}) and
 * transactional: the sink reads up to {@code queueCapacity} alerts from the log, sends those of its rules in one
 * transaction and commits it. A {@code read_committed} consumer therefore sees whole batches, in log order within
 * each partition (the key decides the partition).
 *
 * <p>Where to resume: at every (re)connection, {@code initTransactions} aborts whatever an earlier incarnation of the
 * same transactional id left open, then {@link TopicTail} reads the last committed records of every partition and
 * takes the highest {@code vigil.position} of this sink's records. Since transactions commit in log order, every
 * alert of the sink's rules up to that position is in the topic and none after it: the sink follows the log from
 * there. Nothing else is stored, so a {@code kill -9} at any moment loses nothing and duplicates nothing.
 *
 * <p>A broker that fails or cannot be reached never blocks the caller: {@link #offer} only wakes the sink's thread
 * (the alert is already in the log). The thread counts the failure, closes its producer, waits (exponential backoff,
 * {@link #MIN_BACKOFF_MS} to {@link #MAX_BACKOFF_MS}, or to the client's {@code retry.backoff.max.ms} when the
 * properties set it) and starts over from the topic's position. Memory stays bounded
 * by one transaction's alerts.
 *
 * <p>Which alerts: those whose rule is among {@link #sendRules} when the sink reads them from the log (normally
 * milliseconds after they were logged; longer while the broker is down). A number that jumps (the log no longer
 * holds alerts the sink had not read) is counted as dropped and logged.
 *
 * <p><b>Thread-safe</b> as a {@link Sink}; the producer, the cursor and the resume reads belong to the sink's thread,
 * never an event loop.
 */
final class KafkaSink implements LogFollowingSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

    static final String SINK = "vigil.sink";
    static final String RULE = "vigil.rule";
    static final String VERSION = "vigil.version";
    static final String KIND = "vigil.kind";
    static final String POSITION = "vigil.position";

    /**
     * Client settings the sink sets itself (its guarantees rest on them), with why a configuration may not: a
     * declaration that gives one of them in {@code properties} is refused with this text.
     */
    static final Map<String, String> OWN_SETTINGS = Map.of(
            "bootstrap.servers", "give the cluster as bootstrapServers",
            "transactional.id", "give it as transactionalId",
            "enable.idempotence", "always true: the sink's exactly-once rests on it",
            "acks", "always all: the sink's exactly-once rests on it",
            "isolation.level", "always read_committed where the sink reads",
            "key.serializer", "keys are the alert ids, as strings",
            "value.serializer", "values are the alerts' JSON, as strings");

    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 30_000;
    /** How long the thread sleeps when it has read every alert, unless {@link #offer} wakes it. */
    static final long IDLE_MS = 100;
    private static final long CLOSE_WAIT_MS = 10_000;
    private static final JsonFactory JSON = new JsonFactory();

    private final String name;
    private final SinkSpec.Kafka spec;
    private final AlertFeed feed;
    private final Thread thread;
    private final SinkCounters counters = new SinkCounters();
    /** Alerts read from the log and not yet committed to the topic. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Set<String> rules = Set.of();
    private volatile String state = "waiting for the server to start";
    private volatile boolean closing;
    private volatile boolean started;
    /** The position of the last alert committed to the topic (or found there). */
    private volatile long position = -1;

    /** @param name the sink's name: its records carry it, and it names the default transactional id */
    KafkaSink(String name, SinkSpec.Kafka spec, AlertFeed feed) {
        if (spec.bootstrapServers() == null) {
            throw new IllegalArgumentException("kafka sink " + name + " has no bootstrap servers");
        }
        this.name = name;
        this.spec = spec;
        this.feed = feed;
        this.thread = new Thread(this::run, "vigil-sink-kafka-" + spec.topic());
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        if (!started) {
            started = true;
            thread.start();
        }
    }

    @Override
    public void sendRules(Set<String> names) {
        rules = Set.copyOf(names);
    }

    /** The alert is in the log already: this only wakes the sink's thread. */
    @Override
    public boolean offer(String alertId, String rule, String json) {
        LockSupport.unpark(thread);
        return true;
    }

    @Override
    public SinkStats stats() {
        return counters.snapshot(inFlight.get());
    }

    @Override
    public String state() {
        long at = position;
        return state + (at < 0 ? "" : "; the topic holds the sink's alerts up to alert log position " + at);
    }

    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long maxBackoffMs = maxBackoffMs(spec.properties());
        long backoffMs = MIN_BACKOFF_MS;
        boolean retry = false;
        while (!closing) {
            KafkaProducer<String, String> producer = null;
            try {
                state = "connecting to " + spec.bootstrapServers();
                producer = new KafkaProducer<>(producerSettings(), new StringSerializer(), new StringSerializer());
                producer.initTransactions();
                long resumeAfter = TopicTail.lastPosition(spec, name, consumerSettings());
                long logged = feed.lastNumber();
                if (resumeAfter > logged) {
                    LOG.warn("kafka sink {}: topic {} holds alerts up to position {} of an alert log this server does "
                            + "not have (it has {}); sending the alerts of this log from its start", name, spec.topic(),
                            resumeAfter, logged);
                    resumeAfter = 0;
                }
                position = resumeAfter;
                if (retry) {
                    counters.retries.incrementAndGet();
                }
                state = "delivering";
                follow(producer, resumeAfter);
                backoffMs = MIN_BACKOFF_MS;
            } catch (KafkaException | IllegalStateException failure) {
                if (closing) {
                    break;
                }
                counters.failed(failure.toString());
                state = "failing, retrying in " + backoffMs + " ms: " + failure;
                LOG.warn("kafka sink {} (topic {}): {}; retrying in {} ms", name, spec.topic(), failure, backoffMs);
                retry = true;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
                backoffMs = Math.max(MIN_BACKOFF_MS, Math.min(maxBackoffMs, backoffMs * 2));
            } finally {
                inFlight.set(0);
                if (producer != null) {
                    producer.close(Duration.ZERO);   // abandons an open transaction: the next incarnation aborts it
                }
            }
        }
        state = "closed";
    }

    /**
     * The longest wait between attempts: the client's own {@code retry.backoff.max.ms} when the properties set it
     * (a positive number; anything else the client refuses itself), else {@link #MAX_BACKOFF_MS}.
     */
    static long maxBackoffMs(Map<String, String> properties) {
        String configured = properties.get("retry.backoff.max.ms");
        if (configured != null) {
            try {
                long ms = Long.parseLong(configured.strip());
                if (ms > 0) {
                    return ms;
                }
            } catch (NumberFormatException notANumber) {
                // the producer refuses it with the client's own message, counted as a failure
            }
        }
        return MAX_BACKOFF_MS;
    }

    /** Sends the log's alerts after {@code after} until the sink closes; throws what the producer throws. */
    private void follow(KafkaProducer<String, String> producer, long after) {
        List<AlertFeed.Entry> batch = new ArrayList<>(Math.min(spec.queueCapacity(), 1_024));
        try (AlertFeed.Cursor cursor = feed.follow(after)) {
            long expected = after + 1;
            while (!closing) {
                batch.clear();
                Set<String> sending = rules;
                long last = -1;
                for (AlertFeed.Entry entry = cursor.next(); entry != null; entry = cursor.next()) {
                    if (entry.number() > expected) {
                        long lost = entry.number() - expected;
                        counters.dropped.addAndGet(lost);
                        LOG.warn("kafka sink {}: the alert log no longer holds alerts {}..{} (retention or a bounded "
                                + "log in memory); {} alert(s) not sent", name, expected, entry.number() - 1, lost);
                    }
                    expected = entry.number() + 1;
                    last = entry.number();
                    if (sending.contains(entry.rule())) {
                        batch.add(entry);
                        if (batch.size() >= spec.queueCapacity()) {
                            break;
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    inFlight.set(batch.size());
                    send(producer, batch);
                    inFlight.set(0);
                    counters.delivered.addAndGet(batch.size());
                    position = batch.get(batch.size() - 1).number();
                } else if (last < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(IDLE_MS));
                }
            }
        }
    }

    /** One transaction: the records of {@code batch}, committed together. */
    private void send(KafkaProducer<String, String> producer, List<AlertFeed.Entry> batch) {
        producer.beginTransaction();
        for (AlertFeed.Entry entry : batch) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(SINK, bytes(name));
            headers.add(RULE, bytes(entry.rule()));
            String[] versionAndKind = versionAndKind(entry.json());
            if (versionAndKind[0] != null) {
                headers.add(VERSION, bytes(versionAndKind[0]));
            }
            if (versionAndKind[1] != null) {
                headers.add(KIND, bytes(versionAndKind[1]));
            }
            headers.add(POSITION, bytes(Long.toString(entry.number())));
            producer.send(new ProducerRecord<>(spec.topic(), null, entry.alertId(), entry.json(), headers));
        }
        producer.commitTransaction();   // flushes; throws when a send failed, and nothing of the batch is visible
    }

    /** The alert's {@code version} and {@code kind}, read from the head of its JSON (null when absent). */
    static String[] versionAndKind(String json) {
        String[] out = new String[2];
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME && (out[0] == null || out[1] == null)) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("version") && value.isScalarValue()) {
                    out[0] = parser.getText();
                } else if (field.equals("kind") && value.isScalarValue()) {
                    out[1] = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException notJson) {
            // the server renders every alert: a value without the fields simply has no such headers
        }
        return out;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Properties producerSettings() {
        Properties settings = KafkaClients.settings(spec.properties(), ProducerConfig.configNames());
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "vigil-sink-" + name);
        return settings;
    }

    private Properties consumerSettings() {
        Properties settings = KafkaClients.settings(spec.properties(),
                org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
        settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "vigil-sink-" + name + "-resume");
        return settings;
    }

    String transactionalId() {
        return spec.transactionalId() != null ? spec.transactionalId() : "vigil-" + name;
    }
}
