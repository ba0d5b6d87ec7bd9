package dev.vigil.bench.compare;

import dev.vigil.flink.EventTypeInfo;
import dev.vigil.flink.VigilCep;
import dev.vigil.flink.VigilRules;
import dev.vigil.nfa.Event;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Vigil's Flink job against Flink CEP in a job of the same shape (issue 20, "Performance"): the same events from the
 * same source (Flink's sequence source at the job's parallelism and a chained map to the prepared events,
 * {@link JobPass}), the same watermarks ({@code forMonotonousTimestamps()}), the same state backend, the same sink
 * (a counting map and Flink's discarding sink), on a local MiniCluster. Vigil: {@code VigilCep.process} with the
 * workload's rules (W1: one rule; W4: fifty, in one job). Flink CEP: {@code keyBy(key)} and one
 * {@code CEP.pattern(...).process(...)} per rule ({@link FlinkRules}: fifty operators for W4), each match a short
 * line. Every other setting is Flink's default (no object reuse, 200 ms watermark interval, no checkpoints).
 *
 * <pre>
 * java -cp ... dev.vigil.bench.compare.JobBench --engine vigil|cep|floor --backend hashmap|rocksdb [--workload W1]
 *     [--keys 10000] [--events 1000000] [--parallelism 2] [--warmup 1] [--passes 2] [--seed 42]
 * </pre>
 * Prints one line per measured pass: {@code engine backend workload keys events parallelism pass events/s
 * cpu-µs/event alerts} (the CPU time of the whole JVM per event over the pass: {@link JobPass#cpuMicrosPerEvent}).
 * A pass is timed from the source's first event to the last close of an alert counter (after the end of input has
 * fired every timer), so the MiniCluster's start and stop are not counted.
 */
public final class JobBench {
    private JobBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.HashMap<>(Map.of("--workload", "W1", "--keys", "10000",
                "--events", "1000000", "--parallelism", "2", "--warmup", "1", "--passes", "2", "--seed", "42"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        String engine = options.get("--engine");
        String backend = options.get("--backend");
        if (engine == null || backend == null || args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: --engine vigil|cep|floor --backend hashmap|rocksdb [--workload W1]"
                    + " [--keys N] [--events N] [--parallelism N] [--warmup N] [--passes N] [--seed N]");
        }
        Workload workload = Workload.valueOf(options.get("--workload"));
        int keys = Integer.parseInt(options.get("--keys"));
        int events = Integer.parseInt(options.get("--events"));
        int parallelism = Integer.parseInt(options.get("--parallelism"));
        int warmup = Integer.parseInt(options.get("--warmup"));
        int passes = Integer.parseInt(options.get("--passes"));
        JobPass.prepare(GeneratedStream.generate(events, keys, Long.parseLong(options.get("--seed"))), parallelism);
        for (int pass = 1 - warmup; pass <= passes; pass++) {
            JobPass.begin();
            StreamExecutionEnvironment env = environment(backend, parallelism);
            if (engine.equals("vigil")) {
                vigil(env, workload);
            } else if (engine.equals("cep")) {
                flinkCep(env, workload);
            } else if (engine.equals("floor")) {
                floor(env);
            } else {
                throw new IllegalArgumentException("--engine is vigil, cep or floor, not " + engine);
            }
            env.execute("job bench " + engine + " " + workload);
            if (pass >= 1) {
                System.out.println(String.format(Locale.ROOT, "%s %s %s %d %d %d %d %.0f %.2f %d", engine, backend,
                        workload, keys, events, parallelism, pass, JobPass.eventsPerSecond(),
                        JobPass.cpuMicrosPerEvent(), JobPass.alerts()));
            }
        }
    }

    private static StreamExecutionEnvironment environment(String backend, int parallelism) {
        Configuration settings = new Configuration();
        settings.set(StateBackendOptions.STATE_BACKEND, backend);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, settings);
    }

    private static void vigil(StreamExecutionEnvironment env, Workload workload) {
        VigilRules rules = VigilRules.of(List.of(new VigilRules.RuleFile(workload.name().toLowerCase(Locale.ROOT)
                + ".cep", VigilEngine.ruleText(workload))));
        DataStream<Event> events = env.fromSequence(0, JobPass.size() - 1)
                .map(new JobPass.Emit<Event>(true)).returns(EventTypeInfo.INSTANCE)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forMonotonousTimestamps()
                        .withTimestampAssigner((event, previous) -> event.timestamp()));
        VigilCep.process(events, rules).alerts().map(new JobPass.Count()).sinkTo(new DiscardingSink<>());
    }

    private static void flinkCep(StreamExecutionEnvironment env, Workload workload) {
        KeyedStream<FlinkEvent, String> keyed = env.fromSequence(0, JobPass.size() - 1)
                .map(new JobPass.Emit<FlinkEvent>(false)).returns(FlinkEvent.class)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<FlinkEvent>forMonotonousTimestamps()
                        .withTimestampAssigner((event, previous) -> event.ts))
                .keyBy(new FlinkEngine.ByKey());
        DataStream<String> matches = null;
        for (FlinkRule rule : FlinkRules.of(workload)) {
            DataStream<String> ofRule = CEP.pattern(keyed, rule.pattern()).process(new Line(rule), Types.STRING);
            matches = matches == null ? ofRule : matches.union(ofRule);
        }
        matches.map(new JobPass.Count()).sinkTo(new DiscardingSink<>());
    }

    /**
     * What every keyed job pays before matching: the same source, watermarks, {@code keyBy(key)} and sink around a
     * keyed function that reads and writes one value per event and reports nothing.
     */
    private static void floor(StreamExecutionEnvironment env) {
        env.fromSequence(0, JobPass.size() - 1)
                .map(new JobPass.Emit<FlinkEvent>(false)).returns(FlinkEvent.class)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<FlinkEvent>forMonotonousTimestamps()
                        .withTimestampAssigner((event, previous) -> event.ts))
                .keyBy(new FlinkEngine.ByKey())
                .process(new Touch(), Types.STRING)
                .map(new JobPass.Count()).sinkTo(new DiscardingSink<>());
    }

    /** Reads and writes the key's count: one keyed-state access each way per event. */
    static final class Touch extends KeyedProcessFunction<String, FlinkEvent, String> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> seen;

        @Override
        public void open(OpenContext context) {
            seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.LONG));
        }

        @Override
        public void processElement(FlinkEvent event, Context context, Collector<String> out) throws Exception {
            Long count = seen.value();
            seen.update(count == null ? 1L : count + 1);
        }
    }

    /** A match of one Flink CEP pattern as a short line: the rule's index and its events' ids. */
    static final class Line extends PatternProcessFunction<FlinkEvent, String> {
        private static final long serialVersionUID = 1L;
        private final int ruleIndex;
        private final String[] variables;

        Line(FlinkRule rule) {
            this.ruleIndex = rule.index();
            this.variables = rule.variables().toArray(new String[0]);
        }

        @Override
        public void processMatch(Map<String, List<FlinkEvent>> match, Context context, Collector<String> out) {
            StringBuilder line = new StringBuilder().append(ruleIndex);
            for (String variable : variables) {
                for (FlinkEvent event : match.get(variable)) {
                    line.append(' ').append(event.id);
                }
            }
            out.collect(line.toString());
        }
    }
}
