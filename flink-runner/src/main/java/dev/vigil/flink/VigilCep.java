package dev.vigil.flink;

import dev.vigil.nfa.Event;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Vigil's rules over a Flink {@link DataStream}: the entry a Flink user embeds in a job of their own. The events
 * need event timestamps and watermarks (for Vigil's per-stream delays, {@link VigilWatermarks}); each event is keyed
 * once per distinct {@code PARTITION BY} among the rules reading its stream ({@link DynamicKeyFunction}) and matched
 * by a keyed operator holding all its state in Flink's keyed state ({@link MatchFunction}), so checkpoints,
 * savepoints, the RocksDB state backend and rescaling work as for any Flink operator.
 *
 * <pre>{@code
 * VigilRules rules = VigilRules.fromFiles(List.of(Path.of("fraud.cep")));
 * DataStream<Event> events = ...assignTimestampsAndWatermarks(VigilWatermarks.of(rules));
 * VigilCep.Result result = VigilCep.process(events, rules);
 * result.alerts().sinkTo(...);   // the alert JSON of the server and of vigil run
 * }</pre>
 */
public final class VigilCep {
    /** Late events, as the JSON lines {@code vigil run --late} writes (with the reason). */
    public static final OutputTag<String> LATE = new OutputTag<>("vigil-late", Types.STRING);
    /** Timed-out partial matches of rules with {@code ON TIMEOUT EMIT}, as alert JSON. */
    public static final OutputTag<String> TIMEOUTS = new OutputTag<>("vigil-timeouts", Types.STRING);

    /** The fan-out's output: (spec, key, generation of the rules it was routed under, event). */
    static final TypeInformation<Tuple4<String, String, Long, Event>> KEYED_EVENT =
            Types.TUPLE(Types.STRING, Types.STRING, Types.LONG, EventTypeInfo.INSTANCE);
    static final TypeInformation<Tuple2<String, String>> KEY = Types.TUPLE(Types.STRING, Types.STRING);
    /**
     * A rule change: its name ({@code x.cep}: rules to deploy, or {@code x.delete}: rule names to delete, one a
     * line) and its text. {@link RuleChanges} reads them from a folder.
     */
    public static final TypeInformation<Tuple2<String, String>> RULE_CHANGE = Types.TUPLE(Types.STRING, Types.STRING);

    private VigilCep() {
    }

    /**
     * What the rules report.
     *
     * @param matches completed matches, as alert JSON lines
     * @param timeouts timed-out partial matches, as alert JSON lines
     * @param late events that came at or below the watermark, as late-event JSON lines
     */
    public record Result(DataStream<String> matches, DataStream<String> timeouts, DataStream<String> late) {
        /** Every alert, matches and timeouts: what {@code vigil run} writes. */
        public DataStream<String> alerts() {
            return matches.union(timeouts);
        }
    }

    /**
     * Runs {@code rules} over {@code events}, the rules fixed: {@link #process(DataStream, VigilRules, DataStream)}
     * with no rule change.
     */
    public static Result process(DataStream<Event> events, VigilRules rules) {
        // Flink's collection source cannot be empty: one placeholder, filtered out
        DataStream<Tuple2<String, String>> none = events.getExecutionEnvironment()
                .fromData(List.of(Tuple2.of("", "")), RULE_CHANGE).name("vigil-no-rule-changes")
                .uid("vigil-no-rule-changes").setParallelism(1)
                .filter(change -> false).name("vigil-no-rule-changes").uid("vigil-no-rule-changes-filter")
                .setParallelism(1);
        // no rule changes to route by: the fan-out on one input, chained to the events' operator
        SingleOutputStreamOperator<Tuple4<String, String, Long, Event>> keyed = events
                .process(new FixedFanOut(rules), KEYED_EVENT).name("vigil-fan-out")
                .setParallelism(events.getParallelism())
                .uid("vigil-fan-out");
        return match(keyed, rules, none);
    }

    /**
     * Runs {@code rules} over {@code events}, with the rule changes of {@code changes} (see {@link #RULE_CHANGE};
     * from one task, so that every task applies them in the same order) applied as they come: broadcast to the
     * fan-out and the keyed operator, kept in their broadcast state. Event time is the events' alone: the rules
     * stream's watermark, whatever it is, holds nothing back ({@link MatchOperator}). The fan-out runs at the
     * events' parallelism, the keyed operator at the job's; operator ids {@code vigil-fan-out} and
     * {@code vigil-match} keep savepoints restorable.
     */
    public static Result process(DataStream<Event> events, VigilRules rules,
            DataStream<Tuple2<String, String>> changes) {
        if (changes.getParallelism() != 1) {
            throw new IllegalArgumentException("the rule changes come from one task (parallelism 1), so that every"
                    + " task applies them in the same order; this stream has parallelism " + changes.getParallelism());
        }
        // Flink's broadcast-state operators, with event time the events' alone (MatchOperator says why)
        DataStream<Tuple2<String, String>> broadcast = changes.broadcast();
        SingleOutputStreamOperator<Tuple4<String, String, Long, Event>> keyed = events
                .connect(broadcast)
                .transform("vigil-fan-out", KEYED_EVENT, new FanOutOperator(rules))
                .setParallelism(events.getParallelism())
                .uid("vigil-fan-out");
        return match(keyed, rules, changes);
    }

    /** The keyed operator after the fan-out {@code keyed}, the rule changes broadcast to it. */
    private static Result match(SingleOutputStreamOperator<Tuple4<String, String, Long, Event>> keyed,
            VigilRules rules, DataStream<Tuple2<String, String>> changes) {
        SingleOutputStreamOperator<String> matches = keyed
                .keyBy(VigilCep::keyOf, KEY)
                .connect(changes.broadcast())
                .transform("vigil-match", Types.STRING, new MatchOperator(rules))
                .uid("vigil-match");
        return new Result(matches, matches.getSideOutput(TIMEOUTS),
                keyed.getSideOutput(LATE).union(matches.getSideOutput(LATE)));
    }

    private static Tuple2<String, String> keyOf(Tuple4<String, String, Long, Event> keyed) {
        return Tuple2.of(keyed.f0, keyed.f1);
    }
}
