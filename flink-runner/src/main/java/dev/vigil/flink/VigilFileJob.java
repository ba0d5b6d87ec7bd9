package dev.vigil.flink;

import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job {@code vigil run} is on one machine, on Flink: rule files and an NDJSON file of events in, alerts and late
 * events out, the same lines (ids included) whatever the parallelism. The file is read and its lines numbered at
 * parallelism 1 ({@link LineSequencer}), watermarks follow Vigil's per-stream delays ({@link VigilWatermarks}), and
 * the rules run in the keyed operator of {@link VigilCep} at the job's parallelism.
 *
 * <pre>
 * flink run -c dev.vigil.flink.VigilFileJob flink-runner.jar --rules fraud.cep [more.cep] --events events.ndjson
 *     [--alerts DIR] [--late DIR] [--watermark-delay MS] [--time event|processing] [--max-line-bytes N]
 *     [--checkpoint-interval MS] [--rule-changes DIR [--rule-changes-interval MS]]
 * </pre>
 * With {@code --time processing} events are matched on arrival and {@code WITHIN} and timeouts run on the
 * TaskManagers' clocks, as with {@code vigil run --time processing}: nothing is late, and the alerts depend on timing.
 * With {@code --rule-changes}, the rule changes dropped into the folder are applied while the job runs
 * ({@link RuleChanges}); the job then runs until it is cancelled or stopped. The Kafka options ({@link KafkaJob})
 * read events or rule changes from topics instead, and write alerts or late events to topics.
 * Without {@code --alerts} the alerts are printed (the TaskManagers' stdout), and so are late events without
 * {@code --late}; malformed lines are printed either way. Files in the folders are committed at checkpoints and at
 * the end of the input (every 10 s unless the cluster or {@code --checkpoint-interval} says otherwise). Lines are
 * read as {@code vigil run} reads them ({@link NdjsonLines}: gzip told by content, at most 1 MiB a line unless
 * {@code --max-line-bytes} says otherwise).
 */
public final class VigilFileJob {
    /**
     * Checkpoints when neither the cluster nor {@code --checkpoint-interval} asks for any: the file sink needs them.
     */
    static final long DEFAULT_CHECKPOINT_MS = 10_000;
    private static final String USAGE = "--rules FILE... --events FILE [--alerts DIR] [--late DIR] "
            + "[--watermark-delay MS] [--time event|processing] [--max-line-bytes N] [--checkpoint-interval MS] "
            + "[--rule-changes DIR [--rule-changes-interval MS]] " + KafkaJob.USAGE;

    private VigilFileJob() {
    }

    /**
     * What the job reports.
     *
     * @param problems malformed lines of the input, one sentence each ({@code line N: reason (line skipped)})
     */
    public record Output(VigilCep.Result result, DataStream<String> problems) {
        /** Late events: those of the input's order ({@link LineSequencer}) and any the job's watermark found. */
        public DataStream<String> late() {
            return result.late();
        }
    }

    /**
     * Adds the job reading {@code events} (NDJSON, lines of at most {@code maxLineBytes} bytes, as
     * {@code vigil run --max-line-bytes}) through {@code rules} to {@code env}.
     */
    public static Output build(StreamExecutionEnvironment env, Path events, VigilRules rules, int maxLineBytes) {
        return build(env, events, rules, maxLineBytes, null);
    }

    /**
     * Adds the job reading {@code events} through {@code rules}, with the rule changes of {@code changes} (null for
     * none; see {@link RuleChanges}) applied as they come.
     */
    public static Output build(StreamExecutionEnvironment env, Path events, VigilRules rules, int maxLineBytes,
            DataStream<Tuple2<String, String>> changes) {
        NdjsonLines lines = new NdjsonLines(maxLineBytes);
        FileSource<Tuple2<String, Boolean>> source = FileSource.forRecordStreamFormat(lines,
                new org.apache.flink.core.fs.Path(events.toUri())).build();
        SingleOutputStreamOperator<Event> sequenced = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "vigil-events").setParallelism(1)
                .uid("vigil-events")
                .process(new LineSequencer(rules, lines.tooLongMessage()), EventTypeInfo.INSTANCE)
                .setParallelism(1).setMaxParallelism(1)
                .name("vigil-lines").uid("vigil-lines");
        DataStream<Event> timed = rules.processingTime() ? sequenced   // no event time: no watermarks
                : sequenced.assignTimestampsAndWatermarks(VigilWatermarks.of(rules))
                        .setParallelism(1).name("vigil-watermarks").uid("vigil-watermarks");
        VigilCep.Result result = changes == null ? VigilCep.process(timed, rules)
                : VigilCep.process(timed, rules, changes);
        VigilCep.Result withInputLate = new VigilCep.Result(result.matches(), result.timeouts(),
                sequenced.getSideOutput(VigilCep.LATE).union(result.late()));
        return new Output(withInputLate, sequenced.getSideOutput(LineSequencer.PROBLEMS));
    }

    public static void main(String[] args) throws Exception {
        List<Path> ruleFiles = new ArrayList<>();
        Path events = null;
        String alerts = null;
        String late = null;
        long delayMs = 0;
        EngineConfig.TimeMode time = EngineConfig.TimeMode.EVENT;
        long checkpointMs = 0;
        int maxLineBytes = NdjsonLines.DEFAULT_MAX_LINE_BYTES;
        String ruleChanges = null;
        Duration scanInterval = RuleChanges.DEFAULT_SCAN_INTERVAL;
        KafkaJob kafka = new KafkaJob();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rules":
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        ruleFiles.add(Path.of(args[++i]));
                    }
                    break;
                case "--events":
                    events = Path.of(value(args, ++i));
                    break;
                case "--alerts":
                    alerts = value(args, ++i);
                    break;
                case "--late":
                    late = value(args, ++i);
                    break;
                case "--watermark-delay":
                    delayMs = Long.parseLong(value(args, ++i));
                    break;
                case "--time":
                    time = timeMode(value(args, ++i));
                    break;
                case "--max-line-bytes":
                    maxLineBytes = Integer.parseInt(value(args, ++i));
                    break;
                case "--checkpoint-interval":
                    checkpointMs = Long.parseLong(value(args, ++i));
                    break;
                case "--rule-changes":
                    ruleChanges = value(args, ++i);
                    break;
                case "--rule-changes-interval":
                    scanInterval = Duration.ofMillis(Long.parseLong(value(args, ++i)));
                    break;
                default:
                    int taken = kafka.parse(args, i);
                    if (taken < 0) {
                        throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: " + USAGE);
                    }
                    i = taken;
            }
        }
        if (ruleFiles.isEmpty()) {
            throw new IllegalArgumentException("--rules FILE... is required; usage: " + USAGE);
        }
        kafka.check(events != null, alerts != null, late != null, ruleChanges != null);
        VigilRules rules = VigilRules.fromFiles(ruleFiles).withDefaultWatermarkDelayMs(delayMs).withTimeMode(time);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (checkpointMs > 0) {
            env.enableCheckpointing(checkpointMs);
        } else if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(DEFAULT_CHECKPOINT_MS);   // the file sink commits its files at checkpoints
        }
        DataStream<Tuple2<String, String>> changes = ruleChanges == null ? kafka.changes(env)
                : RuleChanges.fromFolder(env, ruleChanges, scanInterval);
        Output output = kafka.readsEvents() ? kafka.build(env, rules, changes)
                : build(env, events, rules, maxLineBytes, changes);
        if (!kafka.writeAlerts(output.result().alerts())) {
            write(output.result().alerts(), alerts, "vigil-alerts");
        }
        if (!kafka.writeLate(output.late())) {
            write(output.late(), late, "vigil-late");
        }
        output.problems().print("problem").name("vigil-problems");
        env.execute("vigil " + (kafka.readsEvents() ? kafka.describe() : events.getFileName()));
    }

    private static EngineConfig.TimeMode timeMode(String value) {
        switch (value) {
            case "event":
                return EngineConfig.TimeMode.EVENT;
            case "processing":
                return EngineConfig.TimeMode.PROCESSING;
            default:
                throw new IllegalArgumentException("--time is event or processing, not '" + value + "'");
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** Lines to files in {@code folder} (Flink's file sink: committed at checkpoints and at the end), else stdout. */
    private static void write(DataStream<String> lines, String folder, String name) {
        if (folder == null) {
            lines.print(name).name(name);
        } else {
            lines.sinkTo(FileSink.forRowFormat(new org.apache.flink.core.fs.Path(folder),
                    new SimpleStringEncoder<String>()).build()).name(name).uid(name);
        }
    }
}
