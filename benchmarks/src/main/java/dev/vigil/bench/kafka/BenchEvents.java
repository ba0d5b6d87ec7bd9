package dev.vigil.bench.kafka;

import dev.vigil.loadgen.KeySequence;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The events of {@code vigil bench} as Kafka records of the input topic: the same keys and types
 * ({@link KeySequence} of one connection: 10,000 keys by default, one in ten completing {@code a b}), so the figures
 * compare with the WebSocket bench's, written in ticks the way the bench writes messages: a tick is {@code batch}
 * events with one timestamp (strictly increasing from tick to tick), then a watermark record at that timestamp in
 * every partition, which releases the tick's events at once.
 *
 * <p>A key's events go to partition {@code key % partitions}, so they stay in order. Values are the event's JSON
 * without a {@code stream} field (the topic is mapped to the stream): {@code {"k":"k<key>","t":"<type>",
 * "s":<sentNanos>,"ts":<tsMs>}}, where {@code s} is when the tick was due, in nanoseconds of the driver's clock,
 * and comes back in the alert's field {@code sent}.
 *
 * <p><b>Not thread-safe:</b> owned by the producing thread.
 */
final class BenchEvents {
    private final KeySequence keys;
    private final String topic;
    private final int partitions;
    private final StringBuilder text = new StringBuilder(64);
    private long events;
    private long lastTimestampMs = Long.MIN_VALUE;

    BenchEvents(String topic, int partitions, int keyCount, long seed) {
        this.keys = KeySequence.forConnections(keyCount, 1, seed)[0];
        this.topic = topic;
        this.partitions = partitions;
    }

    /**
     * Sends one tick: {@code batch} events stamped {@code timestampMs} (raised to one more than the last tick's when
     * not above it), then a watermark at that time to every partition; returns the timestamp used.
     */
    long tick(KafkaProducer<byte[], byte[]> producer, int batch, long sentNanos, long timestampMs) {
        long ts = Math.max(timestampMs, lastTimestampMs + 1);
        lastTimestampMs = ts;
        for (int i = 0; i < batch; i++) {
            keys.next();
            text.setLength(0);
            text.append("{\"k\":\"k").append(keys.key()).append("\",\"t\":\"").append(keys.type())
                    .append("\",\"s\":").append(sentNanos).append(",\"ts\":").append(ts).append('}');
            producer.send(new ProducerRecord<>(topic, keys.key() % partitions, null, bytes()));
        }
        events += batch;
        watermark(producer, ts);
        return ts;
    }

    /** A watermark record at {@code timestampMs} in every partition. */
    void watermark(KafkaProducer<byte[], byte[]> producer, long timestampMs) {
        text.setLength(0);
        text.append("{\"watermark\":").append(timestampMs).append('}');
        byte[] value = bytes();
        for (int p = 0; p < partitions; p++) {
            producer.send(new ProducerRecord<>(topic, p, null, value));
        }
    }

    private byte[] bytes() {
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The last tick's timestamp. */
    long lastTimestampMs() {
        return lastTimestampMs;
    }

    /** Events sent so far. */
    long events() {
        return events;
    }

    /** Alerts the events so far must produce (their {@code b} events). */
    long expectedAlerts() {
        return keys.expectedAlerts();
    }
}
