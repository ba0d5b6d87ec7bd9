package dev.vigil.flink;

import dev.vigil.nfa.Event;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
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

    /** The fan-out's output: (spec, key, event). */
    static final TypeInformation<Tuple3<Integer, String, Event>> KEYED_EVENT =
            Types.TUPLE(Types.INT, Types.STRING, EventTypeInfo.INSTANCE);
    static final TypeInformation<Tuple2<Integer, String>> KEY = Types.TUPLE(Types.INT, Types.STRING);

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
     * Runs {@code rules} over {@code events}. The fan-out runs at the events' parallelism (chained to their
     * operator), the keyed operator at the job's; operator ids {@code vigil-fan-out} and {@code vigil-match} keep
     * savepoints restorable.
     */
    public static Result process(DataStream<Event> events, VigilRules rules) {
        SingleOutputStreamOperator<Tuple3<Integer, String, Event>> keyed = events
                .process(new DynamicKeyFunction(rules), KEYED_EVENT)
                .setParallelism(events.getParallelism())
                .name("vigil-fan-out").uid("vigil-fan-out");
        SingleOutputStreamOperator<String> matches = keyed
                .keyBy(VigilCep::keyOf, KEY)
                .process(new MatchFunction(rules), Types.STRING)
                .name("vigil-match").uid("vigil-match");
        return new Result(matches, matches.getSideOutput(TIMEOUTS),
                keyed.getSideOutput(LATE).union(matches.getSideOutput(LATE)));
    }

    private static Tuple2<Integer, String> keyOf(Tuple3<Integer, String, Event> keyed) {
        return Tuple2.of(keyed.f0, keyed.f1);
    }
}
