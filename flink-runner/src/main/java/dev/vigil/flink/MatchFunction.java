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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * MatchFunction hosts Vigil's engine in a Flink keyed operator. The key is (spec, key) from DynamicKeyFunction; all
 * live rules partitioned by that spec share it. Flink holds everything per key, so checkpoints, savepoints, the RocksDB
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
 * Rule changes (the broadcast input, LiveRules) are applied between two visits, in the rules stream's order, the
 * same in every subtask: a key's events are matched by the versions live when the watermark releases them, as the
 * server matches the events a replaced version still held for the watermark with the new version, so every event
 * is matched by exactly one version of a rule and, per key, never by an older one after a newer one. A new version
 * goes on with the old one's partial matches (its bytes under the rule's name) when its shape is the same
 * (Replacement.difference: only severity, EMIT, sinks differ); otherwise, and for a deleted rule, the rule's entry
 * is removed from every key of the subtask (applyToKeyedState) and counted. The fan-out stamps each event with the
 * generation (changes applied) it was routed under; a key holding an event routed under changes this subtask has
 * not applied yet waits for them (looking again every GENERATION_RETRY_MS), so that a rule deployed with a new
 * PARTITION BY misses none of the events routed to it.
 *
 * Processing time (VigilRules.withTimeMode): nothing waits for a watermark. An event is matched on arrival, at the
 * subtask's processing time (KeyedRule.processAt: the engine's sequence in processing time), and each rule's next
 * deadline is a processing-time timer, at which the key is visited without events. An event routed under rule
 * changes this subtask has not applied yet is held (in the waiting map, under HELD, in arrival order; so are the
 * key's later events, to keep its order) and matched once the changes are here. At the end of the events (a bounded
 * input, or a stop with --drain) every key's deadlines are visited at once (endOfEvents, from MatchOperator), as
 * vigil run --time processing fires every timer at the end of its input: Flink drops the processing-time timers of
 * a finished input.
 *
 * Matches go to the main output and timeouts to VigilCep.TIMEOUTS, as the JSON the server and vigil run write
 * (JsonCodec.alert). An event at or below the watermark cannot come after DynamicKeyFunction's check; if one does,
 * it goes to VigilCep.LATE rather than being lost.
 */

/**
 * The keyed operator running Vigil's rules: per {@code (spec, key)}, the rules partitioned by that spec over their
 * events, with every piece of state in Flink's keyed state, and the rule changes of the broadcast input applied
 * between two visits. See the design comment above.
 */
public final class MatchFunction extends KeyedBroadcastProcessFunction<Tuple2<String, String>,
        Tuple4<String, String, Long, Event>, Tuple2<String, String>, String> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MatchFunction.class);
    private static final Comparator<Event> RELEASE_ORDER =
            Comparator.comparingLong(Event::timestamp).thenComparingLong(Event::sequence);
    /** How long a key whose events were routed under rules this task has not applied yet waits before looking again. */
    static final long GENERATION_RETRY_MS = 50;
    static final MapStateDescriptor<Long, List<Event>> WAITING = new MapStateDescriptor<>("vigil-waiting",
            Types.LONG, new ListTypeInfo<>(EventTypeInfo.INSTANCE));
    /** Processing time: the waiting map's key of the events held for rule changes, in arrival order. */
    static final long HELD = Long.MIN_VALUE;
    static final MapStateDescriptor<String, byte[]> MATCHES = new MapStateDescriptor<>("vigil-matches",
            Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final VigilRules rules;
    private transient LiveRules live;
    /** Per spec, the live rules partitioned by it, in name order. */
    private transient Map<String, List<KeyedRule>> rulesBySpec;
    private transient EngineListener listener;
    private transient MapState<Long, List<Event>> waiting;
    private transient MapState<String, byte[]> matches;
    /** The newest rule generation the key's waiting events were routed under, while this task has not reached it. */
    private transient ValueState<Long> routedUnder;
    /**
     * Whether visits look at routedUnder: once an event came routed ahead of this subtask, and after a restore (an
     * unaligned checkpoint may hold such a key); otherwise no key holds one, and visits save the state read.
     */
    private transient boolean routedAhead;
    private transient List<Alert> alerts;
    /** Whether events are matched on arrival, with processing-time timers (VigilRules.withTimeMode). */
    private transient boolean processingTime;
    /** Processing time: the latest time given to the rules, so that a clock set back moves none back. */
    private transient long now;
    private transient Counter matchCount;
    private transient Counter timeoutCount;
    private transient Counter droppedOnReplace;
    /** Counts of the rules of earlier versions, so that the gauges do not go back at a change. */
    private transient long droppedBefore;
    private transient long errorsBefore;

    public MatchFunction(VigilRules rules) {
        this.rules = rules;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        live = LiveRules.restored(rules, context);
        routedAhead = context.isRestored();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // the rules are in broadcast state, written at each change
    }

    @Override
    public void open(OpenContext context) {
        alerts = new ArrayList<>();
        processingTime = rules.processingTime();
        listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(alert);
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new IllegalStateException("a keyed rule reports no late events: " + late);
            }
        };
        build();
        waiting = getRuntimeContext().getMapState(WAITING);
        matches = getRuntimeContext().getMapState(MATCHES);
        routedUnder = getRuntimeContext().getState(new ValueStateDescriptor<>("vigil-routed-under", Types.LONG));
        matchCount = getRuntimeContext().getMetricGroup().counter("vigilMatches");
        timeoutCount = getRuntimeContext().getMetricGroup().counter("vigilTimeouts");
        droppedOnReplace = getRuntimeContext().getMetricGroup().counter("vigilPartialMatchesDroppedOnReplace");
        getRuntimeContext().getMetricGroup().gauge("vigilDroppedPartialMatches",
                (Gauge<Long>) () -> droppedBefore + sum(KeyedRule::droppedPartialMatches));
        getRuntimeContext().getMetricGroup().gauge("vigilEvaluationErrors",
                (Gauge<Long>) () -> errorsBefore + sum(KeyedRule::evaluationErrors));
    }

    /** The keyed rules of the live rules. */
    private void build() {
        if (rulesBySpec != null) {
            droppedBefore += sum(KeyedRule::droppedPartialMatches);
            errorsBefore += sum(KeyedRule::evaluationErrors);
        }
        rulesBySpec = new HashMap<>();
        live.rulesBySpec().forEach((spec, specRules) -> {
            List<KeyedRule> keyed = new ArrayList<>(specRules.size());
            for (CompiledRule rule : specRules) {
                keyed.add(new KeyedRule(rule, rules.engineConfig(), listener));
            }
            rulesBySpec.put(spec, keyed);
        });
    }

    @Override
    public void processElement(Tuple4<String, String, Long, Event> keyed, ReadOnlyContext context,
            Collector<String> out) throws Exception {
        Event event = keyed.f3;
        if (processingTime) {
            if (keyed.f2 > live.generation() || routedAhead && routedUnder.value() != null) {
                hold(keyed, context);
            } else {
                visitNow(List.of(event), context, out);
            }
            return;
        }
        long watermark = context.timerService().currentWatermark();
        if (event.timestamp() <= watermark) {
            context.output(VigilCep.LATE, DynamicKeyFunction.lateJson(event, watermark));
            return;
        }
        List<Event> atTime = waiting.get(event.timestamp());
        if (atTime == null) {
            atTime = new ArrayList<>(2);
            context.timerService().registerEventTimeTimer(event.timestamp());
        }
        atTime.add(event);
        waiting.put(event.timestamp(), atTime);
        if (keyed.f2 > live.generation()) {
            // routed under rule changes this task has not applied yet: the key's visits wait for them (onTimer)
            routedAhead = true;
            Long routed = routedUnder.value();
            if (routed == null || routed < keyed.f2) {
                routedUnder.update(keyed.f2);
            }
        }
    }

    @Override
    public void processBroadcastElement(Tuple2<String, String> change, Context context, Collector<String> out)
            throws Exception {
        Map<String, CompiledRule> before = new HashMap<>();
        for (CompiledRule rule : live.rules()) {
            before.put(rule.name(), rule);
        }
        LiveRules.Outcome outcome = live.apply(change.f0, change.f1);
        live.writeTo(context.getBroadcastState(LiveRules.STATE), context.getBroadcastState(LiveRules.GENERATION));
        if (outcome.refusal() != null) {
            return;
        }
        List<String> forgotten = new ArrayList<>(outcome.dropped().keySet());
        for (CompiledRule rule : outcome.deployed()) {
            CompiledRule replaced = before.get(rule.name());
            if (replaced != null && !outcome.dropped().containsKey(rule.name())) {
                LOG.debug("rule '{}' version {} goes on with the partial matches of version {}", rule.name(),
                        rule.version(), replaced.version());
            }
        }
        forgotten.addAll(outcome.deleted());
        if (!forgotten.isEmpty()) {
            long[] keys = new long[1];
            context.applyToKeyedState(MATCHES, (key, state) -> {
                for (String name : forgotten) {
                    if (state.contains(name)) {
                        state.remove(name);
                        keys[0]++;
                    }
                }
            });
            droppedOnReplace.inc(keys[0]);
            LOG.info("{}: {} keys' partial matches of {} dropped in subtask {}", change.f0, keys[0], forgotten,
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }
        build();
    }

    /**
     * Processing time: holds an event routed under rule changes this subtask has not applied yet (and any later
     * event of the key) until they are here.
     */
    private void hold(Tuple4<String, String, Long, Event> keyed, ReadOnlyContext context) throws Exception {
        List<Event> held = waiting.get(HELD);
        held = held == null ? new ArrayList<>(2) : held;
        held.add(keyed.f3);
        waiting.put(HELD, held);
        routedAhead = true;
        Long routed = routedUnder.value();
        if (routed == null || routed < keyed.f2) {
            routedUnder.update(keyed.f2);
        }
        context.timerService().registerProcessingTimeTimer(
                context.timerService().currentProcessingTime() + GENERATION_RETRY_MS);
    }

    /** Processing time: the key's rules get {@code arrived} (or a deadline came), at the processing time now. */
    private void visitNow(List<Event> arrived, ReadOnlyContext context, Collector<String> out) throws Exception {
        now = Math.max(now, context.timerService().currentProcessingTime());
        visit(arrived, now, context, out);
    }

    /**
     * Visits the key's rules at {@code time} with {@code events}: those the watermark {@code time} released, in
     * event time, each processed at {@code time} on arrival in processing time (none: a deadline came). Each rule's
     * next deadline becomes a timer of the time mode's.
     */
    private void visit(List<Event> events, long time, ReadOnlyContext context, Collector<String> out)
            throws Exception {
        List<KeyedRule> specRules = rulesBySpec.get(context.getCurrentKey().f0);
        if (specRules == null) {
            return;   // no live rule has this spec (deleted, or replaced by one keyed otherwise)
        }
        for (KeyedRule rule : specRules) {
            String name = rule.rule().name();
            List<Event> own = ownEvents(rule.rule(), events);
            byte[] before = matches.get(name);
            if (before == null && own.isEmpty()) {
                continue;
            }
            byte[] after = before;
            if (!processingTime || own.isEmpty()) {
                after = rule.advance(before, own, time);
            } else {
                for (Event event : own) {
                    after = rule.processAt(after, event, time);
                }
            }
            store(name, before, after);
            long deadline = rule.nextDeadline();
            if (deadline != Long.MAX_VALUE && processingTime) {
                context.timerService().registerProcessingTimeTimer(deadline);
            } else if (deadline != Long.MAX_VALUE) {
                context.timerService().registerEventTimeTimer(deadline);
            }
            emit(context, out);
        }
    }

    /**
     * Processing time, at the end of the events: visits the key's rules at the end of time, so that every deadline
     * comes (as {@code vigil run --time processing} fires every timer at the end of its input), and hands what they
     * report to {@code matchesOut} and {@code timeoutsOut}. The keyed state's current key is the key's.
     */
    void endOfEvents(Tuple2<String, String> key, MapState<String, byte[]> keyMatches, Consumer<String> matchesOut,
            Consumer<String> timeoutsOut) throws Exception {
        List<KeyedRule> specRules = rulesBySpec.get(key.f0);
        if (specRules == null) {
            return;
        }
        for (KeyedRule rule : specRules) {
            String name = rule.rule().name();
            byte[] before = keyMatches.get(name);
            if (before != null) {
                rule.advance(before, List.of(), Long.MAX_VALUE);
                keyMatches.remove(name);
            }
        }
        emit(matchesOut, timeoutsOut);
    }

    /** Keeps the state a visit left: none when the rule holds nothing for the key, unchanged when it is the same. */
    private void store(String name, byte[] before, byte[] after) throws Exception {
        if (after == null) {
            if (before != null) {
                matches.remove(name);
            }
        } else if (after != before) {
            matches.put(name, after);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<String> out) throws Exception {
        if (processingTime) {
            onProcessingTimeTimer(context, out);
            return;
        }
        long watermark = context.timerService().currentWatermark();
        if (routedAhead) {
            Long routed = routedUnder.value();
            if (routed != null) {
                if (routed > live.generation()) {   // wait for the changes the key's events were routed under
                    context.timerService().registerProcessingTimeTimer(
                            context.timerService().currentProcessingTime() + GENERATION_RETRY_MS);
                    return;
                }
                routedUnder.clear();
            }
        }
        visit(release(watermark), watermark, context, out);
    }

    /**
     * Processing time: a deadline of the key's rules, or a look at whether the changes its held events were routed
     * under are here (then they are matched, before the deadlines).
     */
    private void onProcessingTimeTimer(OnTimerContext context, Collector<String> out) throws Exception {
        List<Event> held = List.of();
        if (routedAhead) {
            Long routed = routedUnder.value();
            if (routed != null) {
                if (routed > live.generation()) {   // deadlines wait with the events: the key's order holds
                    context.timerService().registerProcessingTimeTimer(
                            context.timerService().currentProcessingTime() + GENERATION_RETRY_MS);
                    return;
                }
                routedUnder.clear();
                held = waiting.get(HELD);
                waiting.remove(HELD);
            }
        }
        visitNow(held == null ? List.of() : held, context, out);
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
        for (List<KeyedRule> keyed : rulesBySpec.values()) {
            for (KeyedRule rule : keyed) {
                sum += count.applyAsLong(rule);
            }
        }
        return sum;
    }

    private void emit(ReadOnlyContext context, Collector<String> out) {
        if (!alerts.isEmpty()) {
            emit(out::collect, json -> context.output(VigilCep.TIMEOUTS, json));
        }
    }

    /** Hands the alerts the rules reported to {@code matchesOut} and {@code timeoutsOut}, and counts them. */
    private void emit(Consumer<String> matchesOut, Consumer<String> timeoutsOut) {
        for (Alert alert : alerts) {
            if (alert.kind() == Alert.Kind.MATCH) {
                matchCount.inc();
                matchesOut.accept(JsonCodec.alert(alert));
            } else {
                timeoutCount.inc();
                timeoutsOut.accept(JsonCodec.alert(alert));
            }
        }
        alerts.clear();
    }
}
