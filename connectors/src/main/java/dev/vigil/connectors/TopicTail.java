package dev.vigil.connectors;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Finds where a {@link KafkaSink} stopped: the highest alert log position ({@code vigil.position}) among the sink's
 * committed records in a topic. For each partition it reads backwards from the end in growing windows (64 offsets,
 * then 128, ...) until it meets one of the sink's records or the partition's start, so a partition whose tail holds
 * transaction markers, aborted records or other writers' records is still read to the sink's last record.
 *
 * <p>Reads with {@code read_committed}, without a consumer group and without committing anything. Blocking: runs on
 * the sink's thread.
 */
final class TopicTail {
    static final int FIRST_WINDOW = 64;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private TopicTail() {}

    /**
     * The highest position of {@code sink}'s records in {@code spec}'s topic, 0 when it holds none.
     *
     * @throws KafkaException when the cluster cannot be read (a timeout, an authorisation error, ...)
     */
    static long lastPosition(SinkSpec.Kafka spec, String sink, Properties settings) {
        Properties consumer = new Properties();
        consumer.putAll(settings);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        byte[] own = sink.getBytes(StandardCharsets.UTF_8);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = reader.partitionsFor(spec.topic(), TIMEOUT);
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
                partitions.add(new TopicPartition(spec.topic(), info.partition()));
            }
            if (partitions.isEmpty()) {
                return 0;
            }
            reader.assign(partitions);
            Map<TopicPartition, Long> begin = reader.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions, TIMEOUT);   // the last stable offsets
            long highest = 0;
            for (TopicPartition partition : partitions) {
                highest = Math.max(highest, lastInPartition(reader, partition, begin.get(partition),
                        end.get(partition), own));
            }
            return highest;
        }
    }

    private static long lastInPartition(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long begin,
            long end, byte[] own) {
        long window = FIRST_WINDOW;
        long upTo = end;
        while (upTo > begin) {
            long from = Math.max(begin, upTo - window);
            long found = highestBetween(reader, partition, from, upTo, own);
            if (found > 0) {
                return found;
            }
            upTo = from;
            window = Math.min(window * 2, 1L << 20);
        }
        return 0;
    }

    /** The highest position of the sink's records at offsets {@code [from, upTo)}, 0 when there is none. */
    private static long highestBetween(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long from,
            long upTo, byte[] own) {
        reader.pause(reader.assignment());
        reader.resume(List.of(partition));
        reader.seek(partition, from);
        long highest = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (reader.position(partition, TIMEOUT) < upTo) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading " + partition + " from offset "
                        + from + " to " + upTo + " took over " + TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL).records(partition)) {
                if (record.offset() >= upTo) {
                    break;
                }
                Header sink = record.headers().lastHeader(KafkaSink.SINK);
                Header position = record.headers().lastHeader(KafkaSink.POSITION);
                if (sink != null && position != null && Arrays.equals(sink.value(), own)) {
                    highest = Math.max(highest, parse(position.value()));
                }
            }
        }
        return highest;
    }

    private static long parse(byte[] position) {
        try {
            return Long.parseLong(new String(position, StandardCharsets.UTF_8));
        } catch (NumberFormatException notOurs) {
            return 0;
        }
    }
}
