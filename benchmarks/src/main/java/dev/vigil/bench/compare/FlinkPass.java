package dev.vigil.bench.compare;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * What one pass's Flink job shares with the runner's thread: the prepared events, the times the source reached the
 * marks of {@link Run}, the latest close of a tallying function, and the {@link MatchTally}. Static, because Flink
 * serialises a job's functions into the job graph and runs copies of them in its task threads; statics reach those
 * copies in the same JVM, and keep the events out of the job graph.
 *
 * <p><b>Thread-safety:</b> one pass at a time per JVM. {@link #begin} and {@link #end} run on the runner's thread,
 * before and after {@code execute()}; the source task writes the marks, each pattern's task (W4 has fifty, one per
 * rule, each its own thread) tallies under this class's lock and records its close.
 */
final class FlinkPass {
    private static volatile FlinkEvent[] events;
    private static volatile int tenthIndex;
    private static volatile int ninetiethIndex;
    private static volatile long startNanos;
    private static volatile long tenthNanos;
    private static volatile long ninetiethNanos;
    private static final AtomicLong lastCloseNanos = new AtomicLong();
    private static MatchTally tally; // guarded by FlinkPass.class

    private FlinkPass() {
    }

    static synchronized void begin(FlinkEvent[] prepared) {
        events = prepared;
        tenthIndex = Run.tenthIndex(prepared.length);
        ninetiethIndex = Run.ninetiethIndex(prepared.length);
        startNanos = 0;
        tenthNanos = 0;
        ninetiethNanos = 0;
        lastCloseNanos.set(0);
        tally = new MatchTally();
    }

    /** The pass's timing and matches, once {@code execute()} has returned. */
    static synchronized Run end() {
        if (startNanos == 0 || tenthNanos == 0 || ninetiethNanos == 0 || lastCloseNanos.get() == 0) {
            throw new IllegalStateException("the job ended without reaching every mark of the stream");
        }
        return new Run(startNanos, tenthNanos, ninetiethNanos, lastCloseNanos.get(), tally.count(),
                tally.fingerprint());
    }

    /** Tallies one match: the rule's index (W4 only), then the events of each variable in stage order. */
    static synchronized void match(int ruleIndex, String[] variables, Map<String, List<FlinkEvent>> match) {
        tally.begin();
        if (ruleIndex >= 0) {
            tally.event(ruleIndex);
        }
        for (String variable : variables) {
            for (FlinkEvent event : match.get(variable)) {
                tally.event(event.id);
            }
        }
        tally.end();
    }

    /** A tallying function closed: every match of its pattern is out. */
    static void closed() {
        lastCloseNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /**
     * The source's second half: turns the index Flink's sequence source emits into the prepared event, and notes
     * the time it emits the events at the marks of {@link Run}. Chained to the source in the same task thread.
     */
    static final class Emit implements MapFunction<Long, FlinkEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public FlinkEvent map(Long index) {
            int i = index.intValue();
            if (i == 0) {
                startNanos = System.nanoTime();
            }
            if (i == tenthIndex) {
                tenthNanos = System.nanoTime();
            }
            if (i == ninetiethIndex) {
                ninetiethNanos = System.nanoTime();
            }
            return events[i];
        }
    }
}
