package dev.vigil.bench.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the output topic from its beginning with {@code isolation.level=read_committed} (as docs/alerts.md tells its
 * readers to), on a thread of its own: counts the alerts and the distinct alert ids (the record keys), notes when
 * each arrived (for the alert rate of a measured window), and records each measured alert's latency, from the time
 * its last event was due to be produced ({@code fields.sent}) to its arrival here, in an HdrHistogram of
 * microseconds; and the part of it from the sink's send of the alert (the record's timestamp) to its arrival.
 *
 * <p><b>Threading:</b> one reading thread; the counters and copies of the histogram are read from any thread.
 */
final class AlertReader implements AutoCloseable {
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Histogram latencyMicros = new Histogram(HIGHEST_MICROS, 3);
    /** Of each measured latency, the part from the sink's send (the record's timestamp) to the arrival here. */
    private final Histogram fromSendMicros = new Histogram(HIGHEST_MICROS, 3);
    private final Set<String> ids = new HashSet<>();
    private final long zeroNanos;
    private final long wallMillisAtZero;
    private final long measureFromSentNanos;
    /** Arrival times ({@link System#nanoTime()}) of every alert, in order; read under the lock. */
    private long[] arrivals = new long[1 << 16];
    private int arrived;
    private long unreadable;
    private volatile boolean closing;
    private volatile Throwable failure;

    /**
     * @param zeroNanos the driver's clock origin, from which the events' {@code s} count
     * @param wallMillisAtZero the wall clock at {@code zeroNanos}, to compare with the records' timestamps
     * @param measureFromSentNanos alerts whose last event was due before this ({@code s}, in nanoseconds since
     *     {@code zeroNanos}) are counted but not recorded in the latency histogram (the warm-up)
     */
    AlertReader(String bootstrap, String topic, long zeroNanos, long wallMillisAtZero, long measureFromSentNanos) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-alert-reader");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.zeroNanos = zeroNanos;
        this.wallMillisAtZero = wallMillisAtZero;
        this.measureFromSentNanos = measureFromSentNanos;
        this.thread = new Thread(this::run, "bench-alert-reader");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (!closing) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                if (records.isEmpty()) {
                    continue;
                }
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        take(record, now);
                    }
                }
            }
        } catch (WakeupException closed) {
            // close() woke it
        } catch (RuntimeException failed) {
            failure = failed;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record, long now) {
        if (arrived == arrivals.length) {
            arrivals = java.util.Arrays.copyOf(arrivals, arrivals.length * 2);
        }
        arrivals[arrived++] = now;
        if (record.key() != null) {
            ids.add(new String(record.key(), StandardCharsets.UTF_8));
        }
        long sent = sentNanos(new String(record.value(), StandardCharsets.UTF_8));
        if (sent < 0) {
            unreadable++;
        } else if (sent >= measureFromSentNanos) {
            long micros = (now - zeroNanos - sent) / 1_000;
            latencyMicros.recordValue(Math.max(0, Math.min(micros, HIGHEST_MICROS)));
            // the producer's CreateTime, in milliseconds: when the sink sent the alert, inside its transaction
            long fromSend = wallMillisAtZero * 1_000 + (now - zeroNanos) / 1_000 - record.timestamp() * 1_000;
            fromSendMicros.recordValue(Math.max(0, Math.min(fromSend, HIGHEST_MICROS)));
        }
    }

    /** The alert's {@code fields.sent}, or -1 when the value has none (not an alert of the bench rule). */
    static long sentNanos(String alert) {
        int fields = alert.indexOf("\"fields\":{");
        int at = fields < 0 ? -1 : alert.indexOf("\"sent\":", fields);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (int i = at + 7; i < alert.length() && Character.isDigit(alert.charAt(i)); i++, digits++) {
            value = value * 10 + (alert.charAt(i) - '0');
        }
        return digits == 0 ? -1 : value;
    }

    /** Alerts read so far. */
    synchronized long received() {
        return arrived;
    }

    /** Distinct alert ids read so far (equal to {@link #received} unless an alert came twice). */
    synchronized long distinct() {
        return ids.size();
    }

    /** Alerts without a readable {@code fields.sent}. */
    synchronized long unreadable() {
        return unreadable;
    }

    /** Alerts that arrived in {@code [fromNanos, toNanos)}. */
    synchronized long arrivedBetween(long fromNanos, long toNanos) {
        long n = 0;
        for (int i = 0; i < arrived; i++) {
            if (arrivals[i] >= fromNanos && arrivals[i] < toNanos) {
                n++;
            }
        }
        return n;
    }

    /** When the last alert arrived ({@link System#nanoTime()}), or 0. */
    synchronized long lastArrivalNanos() {
        return arrived == 0 ? 0 : arrivals[arrived - 1];
    }

    /** A copy of the latencies recorded so far, in microseconds. */
    synchronized Histogram latencyMicros() {
        return latencyMicros.copy();
    }

    /** A copy of the parts of them from the sink's send to the arrival here (millisecond resolution). */
    synchronized Histogram fromSendMicros() {
        return fromSendMicros.copy();
    }

    /** Why reading stopped, or null. */
    Throwable failure() {
        return failure;
    }

    /**
     * Waits until {@code expected} alerts came, reading failed, or none came for {@code quietNanos}; returns the
     * count read.
     */
    long await(long expected, long quietNanos) throws InterruptedException {
        long seen = received();
        long lastChange = System.nanoTime();
        while (seen < expected && failure == null && System.nanoTime() - lastChange < quietNanos) {
            Thread.sleep(20);   // a poll: the alerts arrive on the reading thread
            long now = received();
            if (now != seen) {
                seen = now;
                lastChange = System.nanoTime();
            }
        }
        return seen;
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
