package dev.vigil.bench.compare;

import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Flink CEP 1.20, the reference meaning of every workload, as a Flink user would run it: each {@link #run()} is a
 * real job in a local environment of parallelism 1. Its source reads the prepared {@link FlinkEvent}s by index from
 * {@link FlinkPass} (Flink's sequence source, then a chained map), timestamps them with
 * {@code forMonotonousTimestamps()}, keys them by {@code key} and applies each of the workload's
 * {@link FlinkRules} with {@code CEP.pattern(keyed, pattern).process(f)} in event time: one pattern for W1, W2, W3
 * and W5, fifty for W4 (each its own operator and, since a keyed exchange cannot be chained, its own task thread).
 * Every Flink setting is its default: no object reuse (so chained operators copy each event), watermarks every
 * 200 ms (so the CEP operator buffers events until the next one), a 100 ms buffer timeout, no checkpoints. The
 * shaded jar has no SLF4J binding, so Flink logs nothing.
 *
 * <p>Timing: the run starts when the source emits event 0 and passes the marks of {@link Run} when it emits the
 * events at 10% and 90%; it ends at the latest close of a pattern's process function, which comes after the end
 * of input has flushed every window and emitted every match. So the start-up and shut-down of the MiniCluster are
 * not counted, while everything between the first event and the last match is: the exchange between the tasks, the
 * watermark delay, and the final flush. The marks are the source's, and the source runs ahead of the matching (by
 * the exchange's buffers, and by the events the CEP operator queues until the next watermark), so Flink's
 * first-tenth rate is more the source's than the matcher's, and its last tenth carries the backlog; the whole
 * run's rate is the figure to compare.
 *
 * <p>Memory: {@link FlinkHarnessProbe}, the same {@code CepOperator} and heap state outside a job.
 */
final class FlinkEngine implements ComparedEngine {
    private Workload workload;
    private List<FlinkRule> rules;
    private FlinkEvent[] events;

    @Override
    public String name() {
        return "flink";
    }

    @Override
    public void prepare(Workload workload, GeneratedStream stream) {
        this.workload = workload;
        rules = FlinkRules.of(workload);
        events = FlinkEvent.of(stream);
    }

    @Override
    public Run run() throws Exception {
        FlinkPass.begin(events);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        KeyedStream<FlinkEvent, String> keyed = env.fromSequence(0, events.length - 1)
                .map(new FlinkPass.Emit())
                .assignTimestampsAndWatermarks(WatermarkStrategy.<FlinkEvent>forMonotonousTimestamps()
                        .withTimestampAssigner((event, previous) -> event.ts))
                .keyBy(new ByKey());
        for (FlinkRule rule : rules) {
            CEP.pattern(keyed, rule.pattern()).process(new FlinkTallying(rule));
        }
        env.execute("compare " + workload);
        return FlinkPass.end();
    }

    @Override
    public MemoryProbe memoryProbe() throws Exception {
        return new FlinkHarnessProbe();
    }

    /** The events' partition key. */
    static final class ByKey implements KeySelector<FlinkEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(FlinkEvent event) {
            return event.key;
        }
    }
}
