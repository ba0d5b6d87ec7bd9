package dev.vigil.cli;

import dev.vigil.connectors.KafkaClients;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.StreamDelays;
import dev.vigil.server.sequencer.EventIdentity;
import dev.vigil.server.sequencer.EventSource;
import dev.vigil.server.sequencer.WatermarkTracker;
import dev.vigil.server.source.KafkaSource;
import dev.vigil.wire.InputLine;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The records of Kafka topics as the input of {@code vigil run}: the run a server reading the same topics would
 * make, alert ids included, so rules can be tried on a topic's history and a server's alerts checked against it.
 *
 * <p><b>What is read.</b> Every partition of the topics, from its first record to the end it had when the run
 * started (with {@code read_committed}, the last stable offset): a bounded input, so the run ends, and the same run
 * again reads the same records while the topic keeps them. Records are decoded exactly as the server's
 * {@link KafkaSource} decodes them (a topic mapped to a stream, or streams named by the values; bad records
 * reported with topic, partition and offset and skipped), and each event's identity is its record's
 * {@link EventIdentity#ofRecord topic, partition and offset}, as the server gives it.
 *
 * <p><b>Event time</b> is the server's: each partition is a source of the server's own {@link WatermarkTracker}, a
 * stream's watermark the least among its partitions' (each partition's from its events less the watermark delay,
 * or its watermark records), a partition of a topic mapped to a stream holding that stream back from the start.
 * So an event is late here when it would be late in a server that read the partitions in step. A partition stops
 * holding event time back once its last record is taken, as a finished split of Flink's bounded Kafka source does
 * (and as a server's partition with nothing more to read does after {@code sourceIdleTimeout}), so one short
 * partition does not keep every later event of the others waiting in memory; the end of input releases everything,
 * as {@code vigil run} does.
 *
 * <p><b>Order.</b> The partitions are merged by event time: the next line is the earliest of the partitions' next
 * records, so the engine holds back few events for the slowest partition, and each partition's records come in
 * offset order (a key whose events share a partition keeps their order). Bounded memory: at most
 * {@link #PENDING} decoded records wait per partition; a partition with that many is paused while others are
 * fetched.
 *
 * <p><b>Not thread-safe:</b> one run's thread.
 */
final class KafkaInput implements Replay.Input {
    /** Decoded records held per partition before it is paused. */
    static final int PENDING = 1_000;
    private static final Duration POLL = Duration.ofMillis(100);

    /** A partition being read, with its decoded records not yet taken. */
    private static final class Partition {
        final TopicPartition topicPartition;
        final String stream;
        final long identities;
        final long end;
        final EventSource source;
        final ArrayDeque<Held> pending = new ArrayDeque<>();
        boolean done;
        boolean paused;

        Partition(TopicPartition topicPartition, String stream, long end) {
            this.topicPartition = topicPartition;
            this.stream = stream;
            this.identities = EventIdentity.partition(topicPartition.topic(), topicPartition.partition());
            this.end = end;
            String name = "kafka:" + topicPartition.topic() + ":" + topicPartition.partition();
            this.source = stream.isEmpty() ? EventSource.named(name) : EventSource.holding(name, List.of(stream));
        }
    }

    /** A decoded record: its offset, its line, and the event time it is merged by. */
    private record Held(long offset, InputLine line, long time) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Partition> partitions;
    private final Map<TopicPartition, Partition> byTopicPartition = new LinkedHashMap<>();
    private final EventDecoder decoder;
    /** Null in processing time: the engine ignores watermarks then. */
    private final WatermarkTracker time;
    private final boolean watermarksFromRecordsOnly;
    private final long timeoutMs;
    /** Lines decided but not yet returned: an event and the watermarks it moved. */
    private final ArrayDeque<InputLine> ready = new ArrayDeque<>();
    private long sequence;
    private long records;
    private Partition current;
    private long currentOffset = -1;

    private KafkaInput(KafkaConsumer<byte[], byte[]> consumer, List<Partition> partitions, EventDecoder decoder,
            WatermarkTracker time, boolean watermarksFromRecordsOnly, long timeoutMs) {
        this.consumer = consumer;
        this.partitions = partitions;
        this.decoder = decoder;
        this.time = time;
        this.watermarksFromRecordsOnly = watermarksFromRecordsOnly;
        this.timeoutMs = timeoutMs;
        for (Partition partition : partitions) {
            byTopicPartition.put(partition.topicPartition, partition);
        }
    }

    /** Why the topics cannot be read: the cluster cannot be reached, a topic does not exist, records stop coming. */
    static final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * Connects and finds every partition's end.
     *
     * @param topics each topic with its stream, or {@code ""} when its values name their streams
     * @param properties client settings (security, timeouts), those a consumer knows are passed on
     * @param timeoutMs how long the cluster may take to answer, and to send records while some are due
     * @param eventTime false in processing time: no watermarks are made
     * @param watermarksFromRecordsOnly true: a partition's watermark moves only with its watermark records
     */
    static KafkaInput open(String bootstrap, Map<String, String> topics, Map<String, String> properties,
            long timeoutMs, List<CompiledRule> rules, long defaultDelayMs, EventDecoder decoder, boolean eventTime,
            boolean watermarksFromRecordsOnly) throws Unreadable {
        Properties settings = KafkaClients.settings(properties, ConsumerConfig.configNames());
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");   // records deleted mid-run stop it (exit 3)
        settings.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        settings.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-run");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<TopicPartition> assigned = new ArrayList<>();
            Map<TopicPartition, String> streams = new LinkedHashMap<>();
            for (Map.Entry<String, String> topic : topics.entrySet()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic.getKey(), Duration.ofMillis(timeoutMs));
                if (infos == null || infos.isEmpty()) {
                    throw new Unreadable("topic '" + topic.getKey() + "' does not exist at " + bootstrap);
                }
                for (PartitionInfo info : infos) {
                    TopicPartition topicPartition = new TopicPartition(info.topic(), info.partition());
                    assigned.add(topicPartition);
                    streams.put(topicPartition, topic.getValue());
                }
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofMillis(timeoutMs));
            List<Partition> partitions = new ArrayList<>();
            streams.forEach((topicPartition, stream) ->
                    partitions.add(new Partition(topicPartition, stream, ends.get(topicPartition))));
            WatermarkTracker time = null;
            if (eventTime) {
                time = new WatermarkTracker(Long.MAX_VALUE);
                time.track(StreamDelays.merge(rules, defaultDelayMs), 0);
                for (Partition partition : partitions) {
                    time.open(partition.source, 0);
                }
            }
            return new KafkaInput(consumer, partitions, decoder, time, watermarksFromRecordsOnly, timeoutMs);
        } catch (org.apache.kafka.common.errors.TimeoutException silent) {
            consumer.close(Duration.ZERO);
            throw new Unreadable("no answer from " + bootstrap + " within " + timeoutMs + " ms (--kafka-timeout): "
                    + silent.getMessage());
        } catch (KafkaException failed) {
            consumer.close(Duration.ZERO);
            throw new Unreadable("cannot read from " + bootstrap + ": " + failed.getMessage());
        } catch (Unreadable | RuntimeException failed) {
            consumer.close(Duration.ZERO);
            throw failed;
        }
    }

    @Override
    public InputLine next() throws IOException {
        while (ready.isEmpty()) {
            Partition earliest = earliest();
            if (earliest == null) {
                return ready.poll();   // the watermarks the last partitions' ends moved, if any
            }
            Held held = earliest.pending.poll();
            current = earliest;
            currentOffset = held.offset;
            records++;
            take(earliest, held.line);
        }
        return ready.poll();
    }

    /** A record's line goes to the engine (watermark records only through the partition's watermark). */
    private void take(Partition partition, InputLine line) {
        if (line instanceof InputLine.WatermarkLine watermark) {
            if (time != null) {
                time.explicit(partition.source, watermark.stream(), watermark.timestamp(), 0);
            }
        } else {
            ready.add(line);
            if (time != null && !watermarksFromRecordsOnly && line instanceof InputLine.EventLine event
                    && !time.isLate(event.event().stream(), event.event().timestamp())) {
                time.observe(partition.source, event.event().stream(), event.event().timestamp(), 0);
            }
        }
        if (time != null) {
            advances();
        }
    }

    /** The watermarks the tracker moved, after the line that moved them. */
    private void advances() {
        time.drainAdvances((stream, watermark) -> ready.add(new InputLine.WatermarkLine(stream, watermark)));
    }

    /**
     * The partition whose next record is the earliest, once every partition not at its end has one; null at the
     * end.
     */
    private Partition earliest() throws IOException {
        fetch();
        Partition earliest = null;
        for (Partition partition : partitions) {
            Held head = partition.pending.peek();
            if (head != null && (earliest == null || head.time < earliest.pending.peek().time)) {
                earliest = partition;
            }
        }
        return earliest;
    }

    /** Polls until every partition has a record waiting or has reached its end. */
    private void fetch() throws IOException {
        long quietSince = System.nanoTime();
        while (true) {
            Partition waiting = null;
            for (Partition partition : partitions) {
                if (partition.pending.isEmpty() && !partition.done) {
                    if (consumer.position(partition.topicPartition) >= partition.end) {
                        partition.done = true;
                        pause(partition, true);
                        if (time != null) {
                            time.close(partition.source, 0);
                            advances();
                        }
                    } else {
                        waiting = partition;
                    }
                }
            }
            if (waiting == null) {
                return;
            }
            for (Partition partition : partitions) {
                pause(partition, partition.done || partition.pending.size() >= PENDING);
            }
            int polled = 0;
            try {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (TopicPartition topicPartition : records.partitions()) {
                    Partition partition = byTopicPartition.get(topicPartition);
                    for (ConsumerRecord<byte[], byte[]> record : records.records(topicPartition)) {
                        if (record.offset() < partition.end) {
                            partition.pending.add(decode(partition, record));
                            polled++;
                        }
                    }
                }
            } catch (KafkaException failed) {
                throw new Unreadable("reading " + waiting.topicPartition + " stopped: " + failed.getMessage());
            }
            if (polled > 0) {
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > timeoutMs * 1_000_000) {
                throw new Unreadable("no record of topic '" + waiting.topicPartition.topic() + "' partition "
                        + waiting.topicPartition.partition() + " came for " + timeoutMs + " ms (read up to offset "
                        + consumer.position(waiting.topicPartition) + ", its end is " + waiting.end + ")");
            }
        }
    }

    private Held decode(Partition partition, ConsumerRecord<byte[], byte[]> record) {
        InputLine line = KafkaSource.decode(record, partition.stream, ++sequence,
                EventIdentity.at(partition.identities, record.offset()), decoder);
        long at = line instanceof InputLine.EventLine event ? event.event().timestamp() : Long.MIN_VALUE;
        return new Held(record.offset(), line, at);
    }

    private void pause(Partition partition, boolean pause) {
        if (pause != partition.paused) {
            partition.paused = pause;
            if (pause) {
                consumer.pause(List.of(partition.topicPartition));
            } else {
                consumer.resume(List.of(partition.topicPartition));
            }
        }
    }

    @Override
    public String where() {
        return current == null ? "before the first record" : "topic " + current.topicPartition.topic()
                + " partition " + current.topicPartition.partition() + " offset " + currentOffset;
    }

    @Override
    public Map<String, Object> position() {
        Map<String, Object> position = new LinkedHashMap<>();
        if (current != null) {
            position.put("topic", current.topicPartition.topic());
            position.put("partition", current.topicPartition.partition());
            position.put("offset", currentOffset);
        }
        return position;
    }

    @Override
    public String unit() {
        return "record";
    }

    @Override
    public String read() {
        return records + " records of " + partitions.size() + " partitions";
    }

    @Override
    public boolean watermarksItsOwn() {
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ZERO);
    }
}
