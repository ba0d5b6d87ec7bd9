package dev.vigil.bench.kafka;

import dev.vigil.loadgen.BenchRule;
import dev.vigil.loadgen.KeySequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The driver of {@code benchmarks/kafka-bench.sh}, Kafka -> Vigil -> Kafka: the server reads the input topic
 * ({@code --kafka-topics bench-events=bench_seq_0}) with the rule of {@code vigil bench} ({@code bench_seq}, here
 * with {@code TO kafka 'bench-alerts'}), and writes its alerts to the output topic through a kafka sink
 * (transactional); this side writes the input and reads the output with {@code read_committed}.
 *
 * <ul>
 *   <li>{@code rule}: prints the rule, for the server's rules folder.</li>
 *   <li>{@code prefill}: creates both topics (input {@code --partitions}, output as many) and writes
 *       {@code --events} events into the input, as fast as the broker takes them, before the server starts.</li>
 *   <li>{@code throughput}: while a server started after the prefill works through that backlog, reads its count of
 *       events taken ({@code vigil_events_in_total} of the stream, from {@code /metrics}) every second and reports
 *       the events/s of the steady state, {@code --duration} after {@code --warmup} from the first event taken; reads
 *       the output topic meanwhile and reports the alerts/s committed in the same window and whether every expected
 *       alert arrived once.</li>
 *   <li>{@code latency}: writes events at a fixed {@code --rate}, {@code --batch} events a tick, to a running server
 *       and reports event-to-alert latency: from the time a tick was due to be produced (its place in the schedule:
 *       a stalled producer is charged for the stall) to the alert's arrival at a {@code read_committed} consumer of
 *       the output topic, for the alerts of ticks due after the warm-up.</li>
 * </ul>
 *
 * <p>Events and keys are those of {@code vigil bench} ({@link BenchEvents}). Options: {@code --bootstrap H:P},
 * {@code --server URL}, {@code --in T}, {@code --out T}, {@code --partitions N}, {@code --events N}, {@code --rate N},
 * {@code --batch N}, {@code --keys N}, {@code --seed N}, {@code --warmup S}, {@code --duration S} (seconds).
 */
public final class KafkaBench {
    /** The stream the input topic is mapped to: the bench rule's for one connection. */
    public static final String STREAM = "bench_seq_0";
    private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);

    private final Map<String, String> options;

    private KafkaBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length % 2 != 1) {
            System.err.println("usage: KafkaBench rule|prefill|throughput|latency --option value ...");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        KafkaBench bench = new KafkaBench(options);
        boolean complete;
        switch (args[0]) {
            case "rule" -> complete = bench.rule();
            case "prefill" -> complete = bench.prefill();
            case "throughput" -> complete = bench.throughput();
            case "latency" -> complete = bench.latency();
            default -> {
                System.err.println("unknown mode " + args[0]);
                complete = false;
            }
        }
        System.exit(complete ? 0 : 6);
    }

    private String text(String name, String otherwise) {
        return options.getOrDefault(name, otherwise);
    }

    private long number(String name, long otherwise) {
        return Long.parseLong(options.getOrDefault(name, Long.toString(otherwise)));
    }

    private String bootstrap() {
        String bootstrap = options.get("bootstrap");
        if (bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap is required");
        }
        return bootstrap;
    }

    /** Prints the rule of {@code vigil bench} for one stream, its alerts sent to the output topic. */
    private boolean rule() {
        String text = BenchRule.text(1);
        int end = text.lastIndexOf(';');
        System.out.print(text.substring(0, end) + "\n  TO kafka '" + text("out", "bench-alerts") + "'"
                + text.substring(end));
        return true;
    }

    private boolean prefill() throws Exception {
        String in = text("in", "bench-events");
        String out = text("out", "bench-alerts");
        int partitions = (int) number("partitions", 4);
        Map<String, Object> admin = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (Admin topics = Admin.create(admin)) {
            topics.createTopics(List.of(new NewTopic(in, partitions, (short) 1), new NewTopic(out, partitions,
                    (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        long events = number("events", 0);
        if (events == 0) {
            return true;
        }
        int batch = (int) number("batch", 1000);
        BenchEvents generated = new BenchEvents(in, partitions, (int) number("keys", 10_000), number("seed", 1));
        long began = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "10",
                ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024)))) {
            long ts = System.currentTimeMillis();
            while (generated.events() < events) {
                ts = generated.tick(producer, batch, 0, ts) + 1;
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf(Locale.ROOT, "prefill: %,d events (%d partitions, ticks of %d events and a watermark per "
                + "partition) in %.1f s (%,.0f events/s); %,d alerts expected%n", generated.events(), partitions,
                batch, seconds, generated.events() / seconds, generated.expectedAlerts());
        return true;
    }

    private KafkaProducer<byte[], byte[]> producer(Map<String, String> settings) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer");
        config.putAll(settings);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The alerts {@code events} events of the prefill (in whole ticks of {@code batch}) must produce. */
    private static long expectedAlerts(int keys, long seed, long events, int batch) {
        KeySequence sequence = KeySequence.forConnections(keys, 1, seed)[0];
        long rounded = (events + batch - 1) / batch * batch;
        for (long i = 0; i < rounded; i++) {
            sequence.next();
        }
        return sequence.expectedAlerts();
    }

    private boolean throughput() throws Exception {
        long events = number("events", 0);
        int batch = (int) number("batch", 1000);
        long eventsRounded = (events + batch - 1) / batch * batch;
        long expected = expectedAlerts((int) number("keys", 10_000), number("seed", 1), events, batch);
        long warmup = TimeUnit.SECONDS.toNanos(number("warmup", 5));
        long duration = TimeUnit.SECONDS.toNanos(number("duration", 15));
        ServerCounter taken = new ServerCounter(text("server", "http://127.0.0.1:8080"), "vigil_events_in_total",
                "stream=\"" + STREAM + "\"");
        List<long[]> samples = new ArrayList<>();   // {nanoTime, events taken}
        long first = 0;
        try (AlertReader alerts = new AlertReader(bootstrap(), text("out", "bench-alerts"), System.nanoTime(),
                System.currentTimeMillis(), 0)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);   // the server must start reading
            for (long next = System.nanoTime(); ; next += SAMPLE_NANOS) {
                LockSupport.parkNanos(next - System.nanoTime());
                long now = System.nanoTime();
                long count = taken.read();
                samples.add(new long[] {now, count});
                if (first == 0 && count > 0) {
                    first = now;
                    // on to the end of the backlog, for the second-by-second rates (the window is measured alike)
                    deadline = first + Math.max(warmup + duration + SAMPLE_NANOS, TimeUnit.SECONDS.toNanos(300));
                }
                if (count >= eventsRounded || now > deadline) {
                    break;
                }
            }
            if (first == 0) {
                System.out.println("throughput: the server took no event within 120 s");
                return false;
            }
            long received = alerts.await(expected, TimeUnit.SECONDS.toNanos(30));
            long[] from = sampleAtOrAfter(samples, first + warmup);
            long[] to = lastBefore(samples, first + warmup + duration, eventsRounded);
            if (from == null || to == null || to[0] <= from[0]) {
                System.out.printf(Locale.ROOT, "throughput: the backlog of %,d events ran out within the warm-up "
                        + "(%.1f s after the first event): give more --events%n", eventsRounded,
                        (samples.get(samples.size() - 1)[0] - first) / 1e9);
                return false;
            }
            double window = (to[0] - from[0]) / 1e9;
            double rate = (to[1] - from[1]) / window;
            long alertsInWindow = alerts.arrivedBetween(from[0], to[0]);
            double perEvent = (double) expected / eventsRounded;
            System.out.printf(Locale.ROOT, "throughput: %,.0f events/s taken from Kafka (%.1f s of steady state, "
                    + "%.1f s after the first event)%s%n", rate, window, (from[0] - first) / 1e9,
                    ranOut(samples, first + warmup + duration, eventsRounded)
                            ? "; the backlog ran out early: give more --events" : "");
            System.out.printf(Locale.ROOT, "alerts: %,.0f alerts/s committed to the output topic in the same window "
                    + "(the alerts of %,.0f events/s)%n", alertsInWindow / window, alertsInWindow / window / perEvent);
            StringBuilder series = new StringBuilder();
            for (int i = 1; i < samples.size(); i++) {
                long[] a = samples.get(i - 1);
                long[] b = samples.get(i);
                if (a[1] > 0) {
                    double perSecond = (b[1] - a[1]) / ((b[0] - a[0]) / 1e9);
                    series.append(series.length() == 0 ? "" : " ").append(Math.round(perSecond / 1_000));
                }
            }
            System.out.println("events/s taken, second by second from the first to the last, in thousands: " + series);
            long last = alerts.lastArrivalNanos();
            System.out.printf(Locale.ROOT, "whole run: %,d events in, %,d of %,d alerts out (%,d distinct) %.1f s after"
                    + " the first event was taken: %,.0f events/s end to end%n", eventsRounded, received, expected,
                    alerts.distinct(), (last - first) / 1e9, eventsRounded / ((last - first) / 1e9));
            return received == expected && alerts.distinct() == expected && alerts.failure() == null;
        }
    }

    /** Whether every event was taken by {@code nanos}: the window then ended early. */
    private static boolean ranOut(List<long[]> samples, long nanos, long events) {
        for (long[] sample : samples) {
            if (sample[0] <= nanos && sample[1] >= events) {
                return true;
            }
        }
        return false;
    }

    private static long[] sampleAtOrAfter(List<long[]> samples, long nanos) {
        for (long[] sample : samples) {
            if (sample[0] >= nanos) {
                return sample;
            }
        }
        return null;
    }

    /** The last sample at or before {@code nanos} that had not yet taken every event (the backlog still full). */
    private static long[] lastBefore(List<long[]> samples, long nanos, long events) {
        long[] found = null;
        for (long[] sample : samples) {
            if (sample[0] <= nanos && sample[1] < events) {
                found = sample;
            }
        }
        return found;
    }

    private boolean latency() throws Exception {
        String in = text("in", "bench-events");
        int partitions = (int) number("partitions", 4);
        long rate = number("rate", 10_000);
        int batch = (int) number("batch", 10);
        long warmup = TimeUnit.SECONDS.toNanos(number("warmup", 5));
        long duration = TimeUnit.SECONDS.toNanos(number("duration", 15));
        double interval = 1e9 * batch / rate;
        BenchEvents generated = new BenchEvents(in, partitions, (int) number("keys", 10_000), number("seed", 1));
        long wallAtZero = System.currentTimeMillis();
        long zero = System.nanoTime();
        long measured = 0;
        long behindNanos = 0;   // how late the producer was to a measured tick at worst (the driver's own lag)
        try (AlertReader alerts = new AlertReader(bootstrap(), text("out", "bench-alerts"), zero, wallAtZero,
                warmup);
                KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"))) {
            for (long n = 0; ; n++) {
                long due = zero + (long) (n * interval);
                if (due - zero >= warmup + duration) {
                    break;
                }
                for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                long now = System.nanoTime();
                generated.tick(producer, batch, due - zero, wallAtZero + (now - zero) / 1_000_000);
                if (due - zero >= warmup) {
                    measured += batch;
                    behindNanos = Math.max(behindNanos, now - due);
                }
            }
            generated.watermark(producer, generated.lastTimestampMs() + 1);
            producer.flush();
            long expected = generated.expectedAlerts();
            long received = alerts.await(expected, TimeUnit.SECONDS.toNanos(30));
            Histogram micros = alerts.latencyMicros();
            System.out.printf(Locale.ROOT, "latency: %,d events/s in ticks of %d (%d partitions), %,d events measured, "
                    + "%,d alerts measured: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                    rate, batch, partitions, measured, micros.getTotalCount(), ms(micros, 50), ms(micros, 90),
                    ms(micros, 99), ms(micros, 99.9), micros.getMaxValue() / 1_000.0);
            Histogram fromSend = alerts.fromSendMicros();
            System.out.printf(Locale.ROOT, "of which from the sink's send to the arrival (transaction commit, "
                    + "read_committed fetch): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", ms(fromSend, 50),
                    ms(fromSend, 90), ms(fromSend, 99), fromSend.getMaxValue() / 1_000.0);
            System.out.printf(Locale.ROOT, "alerts: %,d of %,d expected (%,d distinct, %d unreadable); the producer "
                    + "was at most %.1f ms behind its schedule%n", received, expected, alerts.distinct(),
                    alerts.unreadable(), behindNanos / 1e6);
            return received == expected && alerts.distinct() == expected && alerts.failure() == null;
        }
    }

    private static double ms(Histogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1_000.0;
    }
}
