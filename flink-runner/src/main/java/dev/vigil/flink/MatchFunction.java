package dev.vigil.flink;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeyedRule;
import dev.vigil.nfa.LateEvent;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/*
 * MatchFunction hosts Vigil's engine in a Flink keyed operator. The key is (spec, key) from DynamicKeyFunction; all
 * rules partitioned by that spec share it. Flink holds everything per key, so checkpoints, savepoints, the RocksDB
 * state backend and rescaling need no code here:
 *
 *   waiting  MapState<Long, List<Event>>   events waiting for the watermark, by timestamp, in arrival order
 *   matches  MapState<String, byte[]>      per rule name, the key's partial matches in the engine's key-state
 *                                          format (KeyedRule; versioned, CRC-checked, no Kryo); absent when the
 *                                          rule holds nothing for the key
 *   timers   event-time timers             at each waiting event's timestamp and at each rule's next deadline
 *                                          (WITHIN expiry, absence, timeout), deduplicated by Flink per key and time
 *
 * An event is held until the watermark passes it and a timer at its timestamp is set. When the watermark passes a
 * timer, the key is visited once at the watermark W (later timers of the key up to W find nothing due): the events
 * at or below W leave the waiting map, ordered by timestamp and then by sequence (the line of a file: the engine's
 * arrival order), and every rule of the spec gets those of its streams (KeyedRule.advance: advance to each
 * timestamp, process, advance to W); a rule with no events is advanced only when its deadline is due. This is the
 * engine's sequence per key (Flink CEP's CepOperator.onEventTime), so the alerts are the engine's, ids included,
 * whatever the watermarks between events (KeyedRuleOnGeneratedRulesTest in nfa-engine).
 *
 * Matches go to the main output and timeouts to VigilCep.TIMEOUTS, as the JSON the server and vigil run write
 * (JsonCodec.alert). An event at or below the watermark cannot come after DynamicKeyFunction's check; if one does,
 * it goes to VigilCep.LATE rather than being lost.
 */

/**
 * The keyed operator running Vigil's rules: per {@code (spec, key)}, the rules partitioned by that spec over their
 * events, with every piece of state in Flink's keyed state. See the design comment above.
 */
public final class MatchFunction
        extends KeyedProcessFunction<Tuple2<Integer, String>, Tuple3<Integer, String, Event>, String> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<Event> RELEASE_ORDER =
            Comparator.comparingLong(Event::timestamp).thenComparingLong(Event::sequence);

    private final VigilRules rules;
    /** Per spec, the rules partitioned by it, in rule order. */
    private transient List<List<KeyedRule>> rulesBySpec;
    private transient MapState<Long, List<Event>> waiting;
    private transient MapState<String, byte[]> matches;
    private transient List<Alert> alerts;
    private transient Counter matchCount;
    private transient Counter timeoutCount;

    public MatchFunction(VigilRules rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext context) {
        VigilRules.Compiled compiled = rules.compile();
        alerts = new ArrayList<>();
        EngineListener listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(alert);
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new IllegalStateException("a keyed rule reports no late events: " + late);
            }
        };
        rulesBySpec = new ArrayList<>();
        for (int i = 0; i < compiled.specs().size(); i++) {
            rulesBySpec.add(new ArrayList<>());
        }
        for (int i = 0; i < compiled.rules().size(); i++) {
            CompiledRule rule = compiled.rules().get(i);
            rulesBySpec.get(compiled.specOf()[i]).add(new KeyedRule(rule, rules.engineConfig(), listener));
        }
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("vigil-waiting", Types.LONG,
                new ListTypeInfo<>(EventTypeInfo.INSTANCE)));
        matches = getRuntimeContext().getMapState(new MapStateDescriptor<>("vigil-matches", Types.STRING,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        matchCount = getRuntimeContext().getMetricGroup().counter("vigilMatches");
        timeoutCount = getRuntimeContext().getMetricGroup().counter("vigilTimeouts");
        getRuntimeContext().getMetricGroup().gauge("vigilDroppedPartialMatches",
                (Gauge<Long>) () -> sum(KeyedRule::droppedPartialMatches));
        getRuntimeContext().getMetricGroup().gauge("vigilEvaluationErrors",
                (Gauge<Long>) () -> sum(KeyedRule::evaluationErrors));
    }

    @Override
    public void processElement(Tuple3<Integer, String, Event> keyed, Context context, Collector<String> out)
            throws Exception {
        Event event = keyed.f2;
        long watermark = context.timerService().currentWatermark();
        if (event.timestamp() <= watermark) {
            context.output(VigilCep.LATE, JsonCodec.late(DynamicKeyFunction.lateEvent(event, watermark),
                    Map.of("line", event.sequence())));
            return;
        }
        List<Event> atTime = waiting.get(event.timestamp());
        if (atTime == null) {
            atTime = new ArrayList<>(2);
            context.timerService().registerEventTimeTimer(event.timestamp());
        }
        atTime.add(event);
        waiting.put(event.timestamp(), atTime);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<String> out) throws Exception {
        long watermark = context.timerService().currentWatermark();
        List<Event> released = release(watermark);
        for (KeyedRule rule : rulesBySpec.get(context.getCurrentKey().f0)) {
            String name = rule.rule().name();
            List<Event> own = ownEvents(rule.rule(), released);
            byte[] before = matches.get(name);
            if (before == null && own.isEmpty()) {
                continue;
            }
            byte[] after = rule.advance(before, own, watermark);
            if (after == null) {
                if (before != null) {
                    matches.remove(name);
                }
            } else if (after != before) {
                matches.put(name, after);
            }
            if (rule.nextDeadline() != Long.MAX_VALUE) {
                context.timerService().registerEventTimeTimer(rule.nextDeadline());
            }
            emit(context, out);
        }
    }

    /** Takes the waiting events at or below {@code watermark} out of the waiting map, in release order. */
    private List<Event> release(long watermark) throws Exception {
        List<Long> due = new ArrayList<>();
        for (Long time : waiting.keys()) {
            if (time <= watermark) {
                due.add(time);
            }
        }
        if (due.isEmpty()) {
            return List.of();
        }
        List<Event> released = new ArrayList<>();
        for (Long time : due) {
            released.addAll(waiting.get(time));
            waiting.remove(time);
        }
        released.sort(RELEASE_ORDER);
        return released;
    }

    /** The events of the streams {@code rule} reads. */
    private static List<Event> ownEvents(CompiledRule rule, List<Event> released) {
        if (released.isEmpty() || rule.streams().size() == 1 && allOf(rule.streams().get(0), released)) {
            return released;
        }
        List<Event> own = new ArrayList<>(released.size());
        for (Event event : released) {
            if (rule.streams().contains(event.stream())) {
                own.add(event);
            }
        }
        return own;
    }

    private static boolean allOf(String stream, List<Event> events) {
        for (Event event : events) {
            if (!event.stream().equals(stream)) {
                return false;
            }
        }
        return true;
    }

    /** A count over every rule of this subtask. */
    private long sum(ToLongFunction<KeyedRule> count) {
        long sum = 0;
        for (List<KeyedRule> keyed : rulesBySpec) {
            for (KeyedRule rule : keyed) {
                sum += count.applyAsLong(rule);
            }
        }
        return sum;
    }

    private void emit(OnTimerContext context, Collector<String> out) {
        for (Alert alert : alerts) {
            if (alert.kind() == Alert.Kind.MATCH) {
                matchCount.inc();
                out.collect(JsonCodec.alert(alert));
            } else {
                timeoutCount.inc();
                context.output(VigilCep.TIMEOUTS, JsonCodec.alert(alert));
            }
        }
        alerts.clear();
    }
}
