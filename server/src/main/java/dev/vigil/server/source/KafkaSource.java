package dev.vigil.server.source;

import dev.vigil.nfa.EventDecoder;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.http.ServerVerticle;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.connectors.KafkaClients;
import dev.vigil.server.sequencer.EventIdentity;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.server.sequencer.ProducerWindow;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events from Kafka topics, each partition a {@link Source} of its own: its records are offered to the sequencer in
 * offset order, one batch in flight at a time, and its stream's event time waits for it as for a WebSocket (until it
 * falls idle).
 *
 * <p><b>Exactly once.</b> The server assigns itself every partition of its topics (no group rebalancing: one server
 * reads them all) and never auto-commits. Each batch is a named batch ({@link BatchId}) of the partition's producer
 * ({@link #producerOf}) whose sequence is the offset of its last record, and each event's identity is its record's
 * topic, partition and offset ({@link EventIdentity#ofRecord}). A batch counts once the sequencer answers it accepted
 * (once it is in the ingest log as durably as the acknowledgement policy asks) or as a duplicate (it was already);
 * a refused batch is read again from its first record. A partition resumes after the last offset the sequencer
 * remembers for its producer (in checkpoints and the ingest log, so across kill -9), else at the group's committed
 * offset, else at {@code startFrom}; so a restart neither skips a record nor takes one twice, and the alerts it makes
 * again carry the ids they had. Offsets are committed to the group for lag monitoring only.
 *
 * <p><b>Backpressure.</b> A partition whose batch is in flight, or was refused as busy, is paused; the consumer keeps
 * polling the others. Memory is bounded by one pending and one in-flight batch per partition.
 *
 * <p><b>Bad records</b> (not UTF-8, not a JSON object, not an event of a known shape, a stream other than the
 * topic's) are counted per topic, logged with topic, partition and offset (the first of each minute), copied to the
 * dead-letter topic when one is set, and skipped: they never stop the partition.
 *
 * <p><b>Broker down.</b> The source starts with the server whatever the cluster's state, reports itself not connected
 * ({@link #state}) and tries again, every second at first, then less often, up to every 30 s.
 *
 * <p><b>Threading:</b> one thread, {@code vigil-kafka-source}, owns the consumer and every partition's state; the
 * sequencer's answers arrive on a Vert.x context and are handed to it through a queue.
 */
public final class KafkaSource implements ServerVerticle.Reading {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    static final long POLL_MS = 100;
    private static final long FIRST_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 30_000;
    private static final long COMMIT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long BAD_RECORD_LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Records read ahead for one partition before it is paused: a batch's worth, as over the WebSocket. */
    private static final int MAX_PENDING = 10_000;

    /** One partition: the source it is to the sequencer, and where reading it stands. */
    private static final class Partition {
        final TopicPartition topicPartition;
        final String stream;
        final Counter records;
        final Counter bad;
        /** The producer its batches are named after: the sequencer remembers the last offset it took. */
        final String producer;
        /** The base of its records' identities: a record's identity is its topic, partition and offset. */
        final long identities;
        /** {@code "stream":"<stream>"}, added to the text of a record that does not name its stream. */
        final String streamField;
        Source source;
        /** The next offset to read, as far as this side knows (after what is pending). */
        long position = -1;
        List<InputLine> pending = new ArrayList<>();
        long pendingFirst = -1;
        long pendingLast = -1;
        boolean inFlight;
        long retryAtNanos;
        /** The offset after the last record the ingest log holds, for the group commit and the lag. */
        volatile long durable = -1;
        volatile long lag = -1;

        Partition(TopicPartition topicPartition, String stream, Counter records, Counter bad) {
            this.topicPartition = topicPartition;
            this.stream = stream;
            this.records = records;
            this.bad = bad;
            this.producer = producerOf(topicPartition);
            this.identities = EventIdentity.partition(topicPartition.topic(), topicPartition.partition());
            this.streamField = streamField(stream);
        }

        /**
         * Where reading resumes after a reconnect: the first record read but not yet offered (those are dropped and
         * read again), else the record after the last one read. A batch in flight is the sequencer's: its answer
         * decides (a refused batch is read again from its first record).
         */
        long readFrom() {
            return pendingFirst >= 0 ? pendingFirst : position;
        }

        String name() {
            return producer;
        }
    }

    /** The sequencer's answer to a partition's batch of records {@code first..last}. */
    private record Answer(Partition partition, long first, long last, Source.Outcome outcome) {}

    private final ServerConfig.Kafka settings;
    private final SequencerProxy sequencer;
    private final RuleRegistry registry;
    private final Context context;
    private final MeterRegistry meters;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private final Counter pauses;
    private final Counter refusedBatches;
    private final Counter offsetsGone;
    private final Counter connectFailures;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> deadLetters;
    private volatile boolean closing;
    private volatile String state = "starting";
    private long lastCommitNanos;
    private long badLoggedAtNanos;
    private long badUnlogged;

    public KafkaSource(ServerConfig.Kafka settings, SequencerProxy sequencer, RuleRegistry registry, Context context,
            MeterRegistry meters) {
        this.settings = settings;
        this.sequencer = sequencer;
        this.registry = registry;
        this.context = context;
        this.meters = meters;
        this.pauses = Counter.builder("vigil.kafka.source.pauses")
                .description("Times a partition was paused because the server was busy").register(meters);
        this.refusedBatches = Counter.builder("vigil.kafka.source.refused.batches")
                .description("Batches the ingest log did not take; their records are read again").register(meters);
        this.offsetsGone = Counter.builder("vigil.kafka.source.offsets.gone")
                .description("Times a partition's next offset was no longer in the topic (records deleted by retention "
                        + "before they were read, or the topic truncated); reading went on from the earliest offset")
                .register(meters);
        this.connectFailures = Counter.builder("vigil.kafka.source.connect.failures")
                .description("Failed attempts to reach the cluster or read its topics' partitions").register(meters);
        Gauge.builder("vigil.kafka.source.connected", this, source -> source.state.equals("reading") ? 1 : 0)
                .description("1 while the kafka source reads its topics").register(meters);
        this.thread = new Thread(this::run, "vigil-kafka-source");
        this.thread.setDaemon(true);
    }

    /** Starts reading: after recovery, so that {@code resume} knows what the log holds. */
    @Override
    public void start() {
        thread.start();
    }

    @Override
    public String name() {
        return "kafka";
    }

    /** {@code reading}, or why not: {@code not connected: ...}, {@code starting}, {@code stopped}. */
    @Override
    public String state() {
        return state;
    }

    private void run() {
        long retryMs = FIRST_RETRY_MS;
        while (!closing) {
            try {
                if (consumer == null) {
                    connect();
                    retryMs = FIRST_RETRY_MS;
                    state = "reading";
                    LOG.info("kafka source reading {} partition(s) of {}", partitions.size(),
                            settings.source().topics().keySet());
                }
                step();
            } catch (OffsetOutOfRangeException gone) {
                fromEarliest(gone);
            } catch (WakeupException woken) {
                // an answer arrived, or the source is closing: the loop looks at both
            } catch (KafkaException | IllegalStateException failed) {
                if (closing) {
                    break;
                }
                connectFailures.increment();
                state = "not connected: " + failed.getMessage();
                LOG.warn("kafka source: {}; trying again in {} ms", failed.getMessage(), retryMs);
                closeClients();
                sleep(retryMs);
                retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
            }
        }
        closeClients();
        for (Partition partition : partitions.values()) {
            if (partition.source != null) {
                Source closed = partition.source;
                context.runOnContext(ignored -> closed.close());
            }
        }
        state = "stopped";
    }

    /** Assigns every partition of the topics and seeks each where reading it stopped. */
    private void connect() {
        KafkaConsumer<byte[], byte[]> opened = new KafkaConsumer<>(consumerSettings(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            assign(opened);
        } catch (RuntimeException failed) {
            opened.close(Duration.ofSeconds(5));
            throw failed;
        }
        consumer = opened;   // from now on answers wake it up
        if (settings.source().deadLetterTopic() != null) {
            deadLetters = new KafkaProducer<>(producerSettings(), new ByteArraySerializer(), new ByteArraySerializer());
        }
    }

    private void assign(KafkaConsumer<byte[], byte[]> opened) {
        List<TopicPartition> assigned = new ArrayList<>();
        for (Map.Entry<String, String> topic : settings.source().topics().entrySet()) {
            List<PartitionInfo> infos = opened.partitionsFor(topic.getKey(), Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic '" + topic.getKey() + "' does not exist (the source does "
                        + "not create topics)");
            }
            for (PartitionInfo info : infos) {
                TopicPartition topicPartition = new TopicPartition(info.topic(), info.partition());
                assigned.add(topicPartition);
                partitions.computeIfAbsent(topicPartition, tp -> new Partition(tp, topic.getValue(),
                        Counter.builder("vigil.kafka.source.records").tag("topic", tp.topic())
                                .description("Records read from the topic and offered as events").register(meters),
                        Counter.builder("vigil.kafka.source.bad.records").tag("topic", tp.topic())
                                .description("Records of the topic that are not events: counted, skipped")
                                .register(meters)));
            }
        }
        opened.assign(assigned);
        Map<TopicPartition, OffsetAndMetadata> committed = opened.committed(Set.copyOf(assigned),
                Duration.ofSeconds(10));
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition topicPartition : assigned) {
            Partition partition = partitions.get(topicPartition);
            if (partition.source == null) {
                // a mapped stream is held back from the start: a backlog read partition by partition is not late
                partition.source = Source.open(sequencer, partition.name(),
                        partition.stream.isEmpty() ? List.of() : List.of(partition.stream), context);
                if (partition.source == null) {
                    throw new IllegalStateException("the sequencer is busy; the kafka source opens its partitions "
                            + "again shortly");
                }
                registerLag(partition);
            }
            if (partition.position < 0) {
                Long next = taken(partition);
                OffsetAndMetadata group = committed == null ? null : committed.get(topicPartition);
                if (next == null && group != null) {
                    next = group.offset();
                }
                if (next == null) {
                    fresh.add(topicPartition);
                    continue;
                }
                partition.position = next;
            }
            partition.position = partition.readFrom();
            partition.pending.clear();   // a reconnect keeps no half batch: its records are read again
            partition.pendingFirst = -1;
            opened.seek(topicPartition, partition.position);
        }
        if (!fresh.isEmpty()) {
            if (settings.source().startFrom().equals("latest")) {
                opened.seekToEnd(fresh);
            } else {
                opened.seekToBeginning(fresh);
            }
            for (TopicPartition topicPartition : fresh) {
                partitions.get(topicPartition).position = opened.position(topicPartition, Duration.ofSeconds(10));
            }
        }
        for (Partition partition : partitions.values()) {
            if (partition.inFlight) {
                opened.pause(List.of(partition.topicPartition));
            }
        }
    }

    /**
     * Partitions whose next offset the topic no longer holds: the records before its earliest offset were deleted
     * (retention) before they were read, or the log was truncated. The consumer never jumps by itself (its reset
     * policy is {@code none}: the latest offset would skip what the topic still holds); the source says so, counts
     * it and reads on from the earliest offset, as Flink's Kafka source does for a committed offset out of range.
     */
    private void fromEarliest(OffsetOutOfRangeException gone) {
        for (Map.Entry<TopicPartition, Long> lost : gone.offsetOutOfRangePartitions().entrySet()) {
            TopicPartition topicPartition = lost.getKey();
            Partition partition = partitions.get(topicPartition);
            consumer.seekToBeginning(List.of(topicPartition));
            long earliest = consumer.position(topicPartition, Duration.ofSeconds(10));
            offsetsGone.increment();
            LOG.warn("kafka source: {} offset {} is no longer in the topic (deleted by retention before it was read, "
                    + "or the log was truncated); reading on from offset {}", partition.name(), lost.getValue(),
                    earliest);
            partition.pending.clear();
            partition.pendingFirst = -1;
            partition.position = earliest;
        }
    }

    /** One turn: the answers, the batches waiting, a poll, and the commit when due. */
    private void step() {
        takeAnswers();
        long now = System.nanoTime();
        offerPending(now);
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(POLL_MS));
        EventDecoder decoder = registry.decoder();
        for (TopicPartition topicPartition : polled.partitions()) {
            Partition partition = partitions.get(topicPartition);
            for (ConsumerRecord<byte[], byte[]> record : polled.records(topicPartition)) {
                take(partition, record, decoder);
            }
            if (partition.pending.size() >= MAX_PENDING) {
                consumer.pause(List.of(topicPartition));
            }
        }
        offerPending(System.nanoTime());
        commitWhenDue(System.nanoTime());
    }

    private void take(Partition partition, ConsumerRecord<byte[], byte[]> record, EventDecoder decoder) {
        partition.position = record.offset() + 1;
        // named after its record: a reread gives the same alert ids
        InputLine line = decode(record, partition.stream, partition.streamField, 0,
                EventIdentity.at(partition.identities, record.offset()), decoder);
        if (line instanceof InputLine.Malformed bad) {
            refuse(partition, record, bad.message());
            return;
        }
        if (line instanceof InputLine.Blank) {
            refuse(partition, record, "an empty record");
            return;
        }
        partition.records.increment();
        if (partition.pendingFirst < 0) {
            partition.pendingFirst = record.offset();
        }
        partition.pendingLast = record.offset();
        partition.pending.add(line);
    }

    /**
     * A record as an input line: its value, UTF-8 JSON, an event (or a watermark) as over HTTP; of the topic's
     * stream when it has one (a record naming another stream is refused). Also how {@code vigil run} reads a topic.
     *
     * @param stream the topic's stream, or {@code ""}: each value names its own
     * @param sequence the event's number ({@link dev.vigil.nfa.Event#sequence}); the server numbers events again
     * @param identity the event's identity, {@link EventIdentity#ofRecord} of the record
     */
    public static InputLine decode(ConsumerRecord<byte[], byte[]> record, String stream, long sequence,
            long identity, EventDecoder decoder) {
        return decode(record, stream, streamField(stream), sequence, identity, decoder);
    }

    /** As above, with the partition's {@link #streamField}. */
    private static InputLine decode(ConsumerRecord<byte[], byte[]> record, String stream, String streamField,
            long sequence, long identity, EventDecoder decoder) {
        if (record.value() == null) {
            return new InputLine.Malformed("a record without a value (a tombstone)");
        }
        String text = utf8(record.value());
        if (text == null) {
            return new InputLine.Malformed("the value is not UTF-8 text");
        }
        if (stream.isEmpty()) {
            return InputLine.parse(text, sequence, identity, decoder);
        }
        Object json;
        try {
            json = JsonCodec.parseInput(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            return new InputLine.Malformed("the value is not JSON: " + JsonCodec.mistake(text));
        }
        if (json instanceof Map<?, ?> object && !object.containsKey("watermark")) {
            Object named = object.get("stream");
            if (named == null) {
                // the stream goes last, and the text says the same; the parser's map of an event is read-only
                // (compact EventFields), so the fields are copied into one that takes the stream
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = new java.util.LinkedHashMap<>((Map<String, Object>) object);
                fields.put("stream", stream);
                json = fields;
                text = withField(text, streamField);
            } else if (!stream.equals(named)) {
                return new InputLine.Malformed("field 'stream' is " + JsonCodec.value(named) + " but topic '"
                        + record.topic() + "' carries stream '" + stream + "'");
            }
        }
        InputLine line = InputLine.classify(json, sequence, identity, decoder);
        // with its text, which parses to its fields, the ingest log stores the record as it is instead of
        // serialising the fields again on the sequencer's thread (as for a line over HTTP or WebSocket)
        return line instanceof InputLine.EventLine event ? new InputLine.EventLine(event.event(), text) : line;
    }

    /**
     * The value as text, or null when it is not UTF-8. The JDK's lenient decoding (one copy, none for ASCII) replaces
     * bad bytes with U+FFFD; only a text holding that character is decoded again strictly, to tell the two apart.
     */
    private static String utf8(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value));
            return text;
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }

    /** {@code "stream":} and the stream's name as a JSON string. */
    static String streamField(String stream) {
        return "\"stream\":" + JsonCodec.value(stream);
    }

    /**
     * The text of a JSON object, {@code object}, with {@code field} ({@code "name":value}) added last: what the
     * parsed object with the field put in it reads as (same fields, same order).
     */
    static String withField(String object, String field) {
        int close = object.lastIndexOf('}');
        int before = close - 1;
        while (before >= 0 && Character.isWhitespace(object.charAt(before))) {
            before--;
        }
        boolean empty = before >= 0 && object.charAt(before) == '{';
        return object.substring(0, close) + (empty ? "" : ",") + field + object.substring(close);
    }

    private void refuse(Partition partition, ConsumerRecord<byte[], byte[]> record, String why) {
        partition.bad.increment();
        long now = System.nanoTime();
        if (badLoggedAtNanos == 0 || now - badLoggedAtNanos >= BAD_RECORD_LOG_EVERY_NANOS) {
            LOG.warn("kafka source: topic {} partition {} offset {}: {}; skipped{}", record.topic(),
                    record.partition(), record.offset(), why, badUnlogged == 0 ? ""
                            : " (" + badUnlogged + " more bad record(s) since the last report)");
            badLoggedAtNanos = now;
            badUnlogged = 0;
        } else {
            badUnlogged++;
        }
        if (deadLetters != null) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("vigil.error", why.getBytes(StandardCharsets.UTF_8));
            headers.add("vigil.topic", record.topic().getBytes(StandardCharsets.UTF_8));
            headers.add("vigil.partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add("vigil.offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
            deadLetters.send(new ProducerRecord<>(settings.source().deadLetterTopic(), null, record.key(),
                    record.value(), headers), (metadata, failed) -> {
                        if (failed != null) {
                            LOG.warn("kafka source: copying a bad record to {} failed: {}",
                                    settings.source().deadLetterTopic(), failed.getMessage());
                        }
                    });
        }
    }

    /** Offers each partition's pending records, one batch in flight per partition. */
    private void offerPending(long now) {
        for (Partition partition : partitions.values()) {
            if (partition.pending.isEmpty() || partition.inFlight || now < partition.retryAtNanos) {
                continue;
            }
            List<InputLine> batch = partition.pending;
            long first = partition.pendingFirst;
            long last = partition.pendingLast;
            Ingest.Result busy = partition.source.offer(new BatchId(partition.producer, last), batch, outcome -> {
                answers.add(new Answer(partition, first, last, outcome));
                KafkaConsumer<byte[], byte[]> reading = consumer;
                if (reading != null) {
                    reading.wakeup();
                }
            });
            consumer.pause(List.of(partition.topicPartition));
            if (busy == null) {
                partition.inFlight = true;
                partition.pending = new ArrayList<>();
                partition.pendingFirst = -1;
            } else {
                pauses.increment();
                partition.retryAtNanos = now + TimeUnit.MILLISECONDS.toNanos(Source.retryMs(busy));
            }
        }
    }

    private void takeAnswers() {
        for (Answer answer = answers.poll(); answer != null; answer = answers.poll()) {
            Partition partition = answer.partition();
            partition.inFlight = false;
            if (answer.outcome().refused() == null) {
                partition.durable = answer.last() + 1;
            } else {
                refusedBatches.increment();
                LOG.warn("kafka source: {} refused the batch of offsets {}..{}: {}; reading it again",
                        partition.name(), answer.first(), answer.last(), answer.outcome().refused());
                partition.pending.clear();
                partition.pendingFirst = -1;
                partition.position = answer.first();
                if (consumer != null) {
                    consumer.seek(partition.topicPartition, answer.first());
                }
            }
            if (consumer != null && partition.pending.size() < MAX_PENDING) {
                consumer.resume(List.of(partition.topicPartition));
            }
        }
    }

    /** Commits what the ingest log holds to the group, for lag monitoring; and refreshes the lag gauges. */
    private void commitWhenDue(long now) {
        if (now - lastCommitNanos < COMMIT_EVERY_NANOS) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> durable = new HashMap<>();
        for (Partition partition : partitions.values()) {
            if (partition.durable >= 0) {
                durable.put(partition.topicPartition, new OffsetAndMetadata(partition.durable));
            }
            partition.lag = consumer.currentLag(partition.topicPartition).orElse(partition.lag);
        }
        if (!durable.isEmpty()) {
            consumer.commitAsync(durable, (offsets, failed) -> {
                if (failed != null) {
                    LOG.debug("kafka source: committing offsets for lag monitoring failed: {}", failed.getMessage());
                }
            });
        }
    }

    private void registerLag(Partition partition) {
        Gauge.builder("vigil.kafka.source.lag", partition, read -> read.lag)
                .tag("topic", partition.topicPartition.topic())
                .tag("partition", Integer.toString(partition.topicPartition.partition()))
                .description("Records of the partition not yet read (-1 until known)").register(meters);
    }

    /**
     * The offset after the last record of {@code partition} the ingest log holds (the sequencer remembers each named
     * batch's producer and sequence, across restarts: in checkpoints and the log), or null when it holds none.
     */
    private Long taken(Partition partition) {
        for (int attempt = 0; !closing; attempt++) {
            java.util.concurrent.CompletableFuture<ProducerWindow.Mark> asked = sequencer.producer(partition.producer);
            if (asked != null) {
                try {
                    ProducerWindow.Mark mark = asked.get(30, TimeUnit.SECONDS);
                    return mark == null ? null : mark.sequence() + 1;
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while asking where " + partition.producer
                            + " stopped", interrupted);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException failed) {
                    throw new IllegalStateException("cannot learn where " + partition.producer + " stopped: "
                            + failed, failed);
                }
            }
            sleep(Math.min(1_000, 10L << Math.min(attempt, 6)));   // the sequencer's queue is full: ask again
        }
        throw new IllegalStateException("closing");
    }

    /**
     * A partition's producer name: {@code kafka:<topic>:<partition>}; a topic too long for a producer name (64
     * characters) is cut and told apart by a hash of the whole name.
     */
    static String producerOf(TopicPartition topicPartition) {
        String name = "kafka:" + topicPartition.topic() + ":" + topicPartition.partition();
        if (name.length() <= 64) {
            return name;
        }
        String hash = Long.toHexString(EventIdentity.partition(topicPartition.topic(), topicPartition.partition()));
        String tail = "-" + hash + ":" + topicPartition.partition();
        return name.substring(0, 64 - tail.length()) + tail;
    }

    private Properties consumerSettings() {
        Properties properties = KafkaClients.settings(settings.properties(), ConsumerConfig.configNames());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.source().group());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // the source seeks every partition itself; an offset out of range is its decision too (fromEarliest)
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-source");
        properties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return properties;
    }

    private Properties producerSettings() {
        Properties properties = KafkaClients.settings(settings.properties(), ProducerConfig.configNames());
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "vigil-source-dead-letters");
        return properties;
    }

    private void closeClients() {
        KafkaConsumer<byte[], byte[]> reading = consumer;
        consumer = null;
        if (reading != null) {
            try {
                reading.close(Duration.ofSeconds(5));
            } catch (KafkaException | IllegalStateException ignored) {
                // closing after a failure: nothing more to do with it
            }
        }
        if (deadLetters != null) {
            try {
                deadLetters.close(Duration.ofSeconds(5));
            } catch (KafkaException ignored) {
                // as above
            }
            deadLetters = null;
        }
    }

    private void sleep(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!closing && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, millis));
            } catch (InterruptedException interrupted) {
                return;
            }
        }
    }

    /** Stops reading; batches in flight are answered as usual, their partitions read again from there next start. */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<byte[], byte[]> reading = consumer;
        if (reading != null) {
            reading.wakeup();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
