package dev.vigil.bench.compare;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.FieldNames;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * What one pass of {@link JobBench} shares with the job's tasks in the same JVM (the MiniCluster's): the prepared
 * events of both engines, when the first event left the source, when the last task closed, and the alerts counted.
 * Static for the reason {@link FlinkPass} gives: Flink runs copies of the job's functions.
 *
 * <p>The source is Flink's sequence source at the job's parallelism; each of its splits is a contiguous range of
 * numbers, which {@link #eventIndex} interleaves so that every split walks through the whole stream's time (split
 * 0 of 2 the even events, split 1 the odd ones): each split's timestamps rise, and the watermark (the lowest
 * split's) follows them all, as a partitioned topic's would.
 *
 * <p><b>Thread-safety:</b> one pass at a time per JVM; the marks are atomics written by the tasks.
 */
final class JobPass {
    private static final FieldNames FIELDS = FieldNames.of("key", "type", "value");
    private static volatile Event[] vigilEvents;
    private static volatile FlinkEvent[] flinkEvents;
    private static volatile int splits;
    private static final AtomicLong startNanos = new AtomicLong();
    private static final AtomicLong endNanos = new AtomicLong();
    private static final AtomicLong startCpuNanos = new AtomicLong();
    private static final AtomicLong endCpuNanos = new AtomicLong();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final AtomicLong alerts = new AtomicLong();

    private JobPass() {
    }

    /** The events of both engines, built once before any pass: the same stream, each engine's own objects. */
    static void prepare(GeneratedStream stream, int parallelism) {
        Event[] vigil = new Event[stream.size()];
        FlinkEvent[] flink = FlinkEvent.of(stream);
        for (int i = 0; i < vigil.length; i++) {
            vigil[i] = new Event("events", stream.timestamp(i), i,
                    FIELDS.fields(stream.key(i), stream.type(i), (long) stream.value(i)));
        }
        vigilEvents = vigil;
        flinkEvents = flink;
        splits = parallelism;
    }

    static void begin() {
        startNanos.set(0);
        endNanos.set(0);
        startCpuNanos.set(0);
        endCpuNanos.set(0);
        alerts.set(0);
    }

    /** Events per second from the first event out of the source to the last close of an alert counter. */
    static double eventsPerSecond() {
        if (startNanos.get() == 0 || endNanos.get() == 0) {
            throw new IllegalStateException("the job ended without its first event or its last close");
        }
        return vigilEvents.length * 1e9 / (endNanos.get() - startNanos.get());
    }

    /**
     * The CPU time this JVM (every task, and Flink's own threads) spent per event, in microseconds, over the same
     * span: what a pass costs whatever else the machine runs, where events/s also says how much CPU it got.
     */
    static double cpuMicrosPerEvent() {
        return (endCpuNanos.get() - startCpuNanos.get()) / 1e3 / vigilEvents.length;
    }

    static long alerts() {
        return alerts.get();
    }

    static int size() {
        return vigilEvents.length;
    }

    /**
     * The event the sequence source's {@code number} stands for: numbers {@code [s * n / splits, (s + 1) * n /
     * splits)} (split {@code s}) are the events {@code s, s + splits, s + 2 * splits, ...}.
     */
    static int eventIndex(long number) {
        int n = vigilEvents.length;
        int perSplit = n / splits;
        int split = (int) Math.min(number / perSplit, splits - 1);
        long index = (number - (long) split * perSplit) * splits + split;
        return (int) (index < n ? index : number);   // the last split's remainder, past the interleaved range
    }

    private static void emitted() {
        if (startNanos.get() == 0 && startNanos.compareAndSet(0, System.nanoTime())) {
            startCpuNanos.set(OS.getProcessCpuTime());
        }
    }

    /**
     * The source's second half, chained to the sequence source: the prepared event of the number, Vigil's
     * {@link Event} or Flink CEP's {@link FlinkEvent} (give the stream its type with {@code returns}).
     */
    static final class Emit<T> implements MapFunction<Long, T> {
        private static final long serialVersionUID = 1L;
        private final boolean vigil;

        Emit(boolean vigil) {
            this.vigil = vigil;
        }

        @Override
        @SuppressWarnings("unchecked")   // the events of the engine this map was made for
        public T map(Long number) {
            emitted();
            Object[] events = vigil ? vigilEvents : flinkEvents;
            return (T) events[eventIndex(number)];
        }
    }

    /** The sink's first half, the same for both engines: counts the alerts; its close is the pass's end. */
    static final class Count extends RichMapFunction<String, String> {
        private static final long serialVersionUID = 1L;
        private transient long counted;

        @Override
        public void open(OpenContext context) {
            counted = 0;
        }

        @Override
        public String map(String alert) {
            counted++;
            return alert;
        }

        @Override
        public void close() {
            alerts.addAndGet(counted);
            endNanos.accumulateAndGet(System.nanoTime(), Math::max);
            endCpuNanos.accumulateAndGet(OS.getProcessCpuTime(), Math::max);
        }
    }
}
