package dev.vigil.flink;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeyedRule;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.runtime.KeyMatches;
import dev.vigil.nfa.runtime.KeyStateFormat;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
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
 *   vigil-key  ValueState<KeyBuffer>   everything of the key in one value, so that an event costs one read and one
 *                                      write: the events waiting for the watermark, in arrival order, the key's
 *                                      pending timer, the rule generation they were routed under (while ahead of this
 *                                      subtask), and per rule name the key's partial matches in the engine's
 *                                      key-state format (KeyedRule; versioned, CRC-checked, no Kryo), absent when the
 *                                      rule holds nothing (KeyBufferSerializer)
 *   timers     event-time timers       one pending per key: at the earliest of its waiting events and its rules' next
 *                                      deadlines (WITHIN expiry, absence, timeout); an event earlier than it sets
 *                                      one of its own, and each visit sets the next (Flink's timer queue costs a
 *                                      hash-set insert and a heap insert per timer: one per event and deadline was
 *                                      the keyed operator's largest cost)
 *
 * On the heap state backend the key's value lives on the heap as objects, so the partial matches stay decoded between
 * visits (RuleMatches: a visit changes them in place; bytes are written only when a checkpoint copies or writes
 * them); on RocksDB they are bytes, decoded and encoded at each visit, as RocksDB (de)serializes the value anyway.
 *
 * An event is held until the watermark passes it. When the watermark passes a timer, the key is visited at the
 * watermark W: the events at or below W are released, ordered by timestamp, then by sequence (the line of a file:
 * the engine's arrival order; a Kafka record's offset), then by identity (records of one offset in different
 * partitions), and every rule of the spec gets those of its streams (KeyedRule.advance: advance to
 * each timestamp, process, advance to W); a rule with no events is advanced only when its deadline is due. This is
 * the engine's sequence per key (Flink CEP's CepOperator.onEventTime), so the alerts are the engine's, ids included,
 * whatever the watermarks between events (KeyedRuleOnGeneratedRulesTest in nfa-engine; BETWEEN EVENTS windows aside,
 * whose timeouts may come in another order, as docs/semantics.md says of Flink).
 *
 * Rule changes (the broadcast input, LiveRules) are applied between two visits, in the rules stream's order, the
 * same in every subtask: a key's events are matched by the versions live when the watermark releases them, as the
 * server matches the events a replaced version still held for the watermark with the new version, so every event
 * is matched by exactly one version of a rule and, per key, never by an older one after a newer one. A new version
 * goes on with the old one's partial matches (its entry under the rule's name) when its shape is the same
 * (Replacement.difference: only severity, EMIT, sinks differ); otherwise, and for a deleted rule, the rule's entry
 * is removed from the keys of its spec (applyToKeyedState) and counted. The fan-out stamps each event with the
 * generation (changes applied) it was routed under, kept with the event while it waits; a key holding an event routed
 * under changes this subtask has not applied yet waits for them (looking again every GENERATION_RETRY_MS), so that a
 * rule deployed with a new PARTITION BY misses none of the events routed to it. A rule matches an event at the spec
 * it had when the event was routed (LiveRules.specAt): a version whose rule took another PARTITION BY goes on, retired,
 * at the keys of its spec with the events routed there before the change (the new version is elsewhere, and a keyed
 * operator cannot send them to another key's subtask), so where the change fell at the fan-out decides, not the race
 * between the change and the events on their separate channels to this subtask.
 *
 * Processing time (VigilRules.withTimeMode): nothing waits for a watermark. An event is matched on arrival, at the
 * subtask's processing time (KeyedRule.processAt: the engine's sequence in processing time), and each rule's next
 * deadline is a processing-time timer, at which the key is visited without events. An event routed under rule
 * changes this subtask has not applied yet is held (among the waiting events, in arrival order; so are the key's
 * later events, to keep its order) and matched once the changes are here. At the end of the events (a bounded input,
 * or a stop with --drain) every key's deadlines are visited at once (endOfEvents, from MatchOperator), as
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
    /**
     * Timestamp, then sequence (a file's line, a Kafka record's offset), then identity: records of one offset in
     * different partitions reach the subtask in an order the network decides, and are matched in one order anyway.
     */
    private static final Comparator<Event> RELEASE_ORDER = Comparator.comparingLong(Event::timestamp)
            .thenComparingLong(Event::sequence).thenComparingLong(Event::identity);
    /** How long a key whose events were routed under rules this task has not applied yet waits before looking again. */
    static final long GENERATION_RETRY_MS = 50;
    /** Everything of a key: {@link KeyBuffer}. */
    static final ValueStateDescriptor<KeyBuffer> KEY = new ValueStateDescriptor<>("vigil-key",
            KeyBufferSerializer.INSTANCE);

    private final VigilRules rules;
    private transient LiveRules live;
    /** Per spec, the live rules partitioned by it, in name order. */
    private transient Map<String, Rule[]> rulesBySpec;
    private transient EngineListener listener;
    private transient ValueState<KeyBuffer> keys;
    /**
     * Whether the state backend keeps the key's value as objects (the heap backend): then the partial matches stay
     * decoded, and a value changed in place needs no write back. Set by {@link MatchOperator}.
     */
    private transient boolean onHeap;
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

    /**
     * A version as this task runs it at the keys of its spec: the rule, its keyed runner, its codec of this thread,
     * and the generation from which the rule has had this spec without a break ({@link Long#MAX_VALUE} for a retired
     * version): an event routed under that generation or later is the rule's here without looking further.
     */
    private record Rule(CompiledRule compiled, KeyedRule keyed, KeyStateFormat format, String spec, long since) {
        String name() {
            return compiled.name();
        }
    }

    public MatchFunction(VigilRules rules) {
        this.rules = rules;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        live = LiveRules.restored(rules, context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // the rules are in broadcast state, written at each change
    }

    /** Whether the state backend keeps values on the heap (see {@link #onHeap}). */
    void keepDecoded(boolean heap) {
        onHeap = heap;
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
        keys = getRuntimeContext().getState(KEY);
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
        live.versionsBySpec().forEach((spec, specRules) -> {
            Rule[] keyed = new Rule[specRules.size()];
            for (int i = 0; i < keyed.length; i++) {
                CompiledRule rule = specRules.get(i);
                long since = live.rules().contains(rule) ? live.specSince(rule.name()) : Long.MAX_VALUE;
                keyed[i] = new Rule(rule, new KeyedRule(rule, rules.engineConfig(), listener), KeyedRule.format(rule),
                        spec, since);
            }
            rulesBySpec.put(spec, keyed);
        });
    }

    @Override
    public void processElement(Tuple4<String, String, Long, Event> keyed, ReadOnlyContext context,
            Collector<String> out) throws Exception {
        Event event = keyed.f3;
        KeyBuffer stored = keys.value();
        KeyBuffer buffer = stored == null ? new KeyBuffer() : stored;
        if (processingTime) {
            if (keyed.f2 > live.generation() || buffer.routedUnder != 0) {
                hold(buffer, keyed, context);
            } else {
                visitNow(buffer, List.of(event), List.of(keyed.f2), context, out);
            }
            store(buffer, stored);
            return;
        }
        long watermark = context.timerService().currentWatermark();
        if (event.timestamp() <= watermark) {
            context.output(VigilCep.LATE, DynamicKeyFunction.lateJson(event, watermark));
            return;
        }
        buffer.hold(event, keyed.f2);
        if (event.timestamp() < buffer.wakeAt) {   // else the key's pending timer comes first
            context.timerService().registerEventTimeTimer(event.timestamp());
            buffer.wakeAt = event.timestamp();
        }
        if (keyed.f2 > live.generation() && keyed.f2 > buffer.routedUnder) {
            buffer.routedUnder = keyed.f2;   // routed under rule changes not here yet: visits wait for them (onTimer)
        }
        store(buffer, stored);
    }

    /**
     * Writes the key's value back after a change: cleared when it holds nothing; on the heap a value read from the
     * state was changed in place and needs no write.
     */
    private void store(KeyBuffer buffer, KeyBuffer stored) throws Exception {
        if (buffer.isEmpty()) {
            if (stored != null) {
                keys.clear();
            }
        } else if (stored == null || !onHeap) {
            keys.update(buffer);
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
        Map<String, String> droppedAt = outcome.droppedAt();   // rule name -> the spec whose keys lose its state
        for (CompiledRule rule : outcome.deployed()) {
            CompiledRule replaced = before.get(rule.name());
            if (replaced != null && !outcome.dropped().containsKey(rule.name())) {
                LOG.debug("rule '{}' version {} goes on with the partial matches of version {}", rule.name(),
                        rule.version(), replaced.version());
            }
        }
        List<String> deleted = outcome.deleted();
        List<String> forgotten = new ArrayList<>(droppedAt.keySet());
        forgotten.addAll(deleted);
        if (!forgotten.isEmpty()) {
            long[] dropped = new long[1];
            context.applyToKeyedState(KEY, (key, state) -> {
                KeyBuffer buffer = state.value();
                boolean changed = false;
                for (String name : forgotten) {
                    boolean here = deleted.contains(name) || key.f0.equals(droppedAt.get(name));
                    if (here && buffer != null && buffer.rules.remove(name) != null) {
                        changed = true;
                        dropped[0]++;
                    }
                }
                if (changed && buffer.isEmpty()) {
                    state.clear();
                } else if (changed) {
                    state.update(buffer);
                }
            });
            droppedOnReplace.inc(dropped[0]);
            LOG.info("{}: {} keys' partial matches of {} dropped in subtask {}", change.f0, dropped[0], forgotten,
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }
        build();
    }

    /**
     * Processing time: holds an event routed under rule changes this subtask has not applied yet (and any later
     * event of the key) until they are here.
     */
    private void hold(KeyBuffer buffer, Tuple4<String, String, Long, Event> keyed, ReadOnlyContext context) {
        buffer.hold(keyed.f3, keyed.f2);
        buffer.routedUnder = Math.max(buffer.routedUnder, keyed.f2);
        context.timerService().registerProcessingTimeTimer(
                context.timerService().currentProcessingTime() + GENERATION_RETRY_MS);
    }

    /** Processing time: the key's rules get {@code arrived} (or a deadline came), at the processing time now. */
    private void visitNow(KeyBuffer buffer, List<Event> arrived, List<Long> routedUnder, ReadOnlyContext context,
            Collector<String> out) {
        now = Math.max(now, context.timerService().currentProcessingTime());
        visit(buffer, arrived, routedUnder, now, context, out);
    }

    /**
     * Visits the key's rules at {@code time} with {@code events} (routed under the generations {@code routedUnder}, at
     * the same indexes): those the watermark {@code time} released, in event time, each processed at {@code time} on
     * arrival in processing time (none: a deadline came). In processing time each rule's next deadline becomes a
     * timer; returns the earliest next deadline of the key's rules.
     */
    private long visit(KeyBuffer buffer, List<Event> events, List<Long> routedUnder, long time,
            ReadOnlyContext context, Collector<String> out) {
        Rule[] specRules = rulesBySpec.get(context.getCurrentKey().f0);
        if (specRules == null) {
            return Long.MAX_VALUE;   // no live rule has this spec (deleted, or replaced by one keyed otherwise)
        }
        long earliest = Long.MAX_VALUE;
        for (Rule rule : specRules) {
            List<Event> own = ownEvents(rule, events, routedUnder);
            RuleMatches held = buffer.rules.get(rule.name());
            if (held == null && own.isEmpty()) {
                continue;
            }
            KeyMatches before = held == null ? null
                    : onHeap ? held.decoded(rule.compiled(), rule.format()) : held.read(rule.format());
            if (own.isEmpty() && before.nextDeadline() > time) {
                earliest = Math.min(earliest, before.nextDeadline());
                continue;   // nothing due: the state stays as it is
            }
            KeyMatches after = before;
            if (!processingTime || own.isEmpty()) {
                after = rule.keyed().advance(before, own, time);
            } else {
                for (Event event : own) {
                    after = rule.keyed().processAt(after, event, time);
                }
            }
            if (after == null) {
                buffer.rules.remove(rule.name());
            } else if (!onHeap) {
                buffer.rules.put(rule.name(), RuleMatches.ofBytes(after.encode(rule.format())));
            } else if (held == null) {
                buffer.rules.put(rule.name(), RuleMatches.ofDecoded(rule.compiled(), after));
            }
            long deadline = after == null ? Long.MAX_VALUE : after.nextDeadline();
            if (deadline != Long.MAX_VALUE && processingTime) {
                context.timerService().registerProcessingTimeTimer(deadline);
            }
            earliest = Math.min(earliest, deadline);
            emit(context, out);
        }
        return earliest;
    }

    /**
     * Processing time, at the end of the events: visits the key's rules at the end of time, so that every deadline
     * comes (as {@code vigil run --time processing} fires every timer at the end of its input), and hands what they
     * report to {@code matchesOut} and {@code timeoutsOut}. The keyed state's current key is the key's.
     */
    void endOfEvents(Tuple2<String, String> key, ValueState<KeyBuffer> state, Consumer<String> matchesOut,
            Consumer<String> timeoutsOut) throws Exception {
        KeyBuffer buffer = state.value();
        Rule[] specRules = rulesBySpec.get(key.f0);
        if (buffer == null || specRules == null) {
            return;
        }
        for (Rule rule : specRules) {
            RuleMatches held = buffer.rules.remove(rule.name());
            if (held != null) {
                rule.keyed().advance(held.read(rule.format()), List.of(), Long.MAX_VALUE);
            }
        }
        if (buffer.isEmpty()) {
            state.clear();
        } else {
            state.update(buffer);
        }
        emit(matchesOut, timeoutsOut);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<String> out) throws Exception {
        KeyBuffer buffer = keys.value();
        if (buffer == null) {
            return;   // the key holds nothing any more (a deleted rule's deadline)
        }
        if (buffer.routedUnder != 0) {
            if (buffer.routedUnder > live.generation()) {   // wait for the changes the events were routed under
                context.timerService().registerProcessingTimeTimer(
                        context.timerService().currentProcessingTime() + GENERATION_RETRY_MS);
                return;
            }
            buffer.routedUnder = 0;
        }
        if (processingTime) {
            List<Event> held = buffer.waiting.isEmpty() ? List.of() : new ArrayList<>(buffer.waiting);
            List<Long> heldUnder = buffer.generations.isEmpty() ? List.of() : new ArrayList<>(buffer.generations);
            buffer.waiting.clear();
            buffer.generations.clear();
            visitNow(buffer, held, heldUnder, context, out);
        } else {
            long watermark = context.timerService().currentWatermark();
            List<Long> releasedUnder = new ArrayList<>();
            List<Event> released = release(buffer, watermark, releasedUnder);
            long next = Math.min(visit(buffer, released, releasedUnder, watermark, context, out),
                    earliestWaiting(buffer));
            long pending = buffer.wakeAt > watermark ? buffer.wakeAt : Long.MAX_VALUE;   // not fired yet
            if (next < pending) {
                context.timerService().registerEventTimeTimer(next);
            }
            buffer.wakeAt = Math.min(next, pending);
        }
        store(buffer, buffer);
    }

    private static long earliestWaiting(KeyBuffer buffer) {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < buffer.waiting.size(); i++) {
            earliest = Math.min(earliest, buffer.waiting.get(i).timestamp());
        }
        return earliest;
    }

    /**
     * Takes the waiting events at or below {@code watermark} out of the key's buffer, in release order; the
     * generations they were routed under go to {@code routedUnder}, at the same indexes.
     */
    private static List<Event> release(KeyBuffer buffer, long watermark, List<Long> routedUnder) {
        List<Event> waiting = buffer.waiting;
        List<Long> generations = buffer.generations;
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<Event> released = new ArrayList<>(waiting.size());
        int kept = 0;
        boolean sorted = true;
        for (int i = 0; i < waiting.size(); i++) {
            Event event = waiting.get(i);
            Long generation = generations.get(i);
            if (event.timestamp() <= watermark) {
                sorted &= released.isEmpty() || RELEASE_ORDER.compare(released.get(released.size() - 1), event) <= 0;
                released.add(event);
                routedUnder.add(generation);
            } else {
                generations.set(kept, generation);
                waiting.set(kept++, event);
            }
        }
        waiting.subList(kept, waiting.size()).clear();
        generations.subList(kept, generations.size()).clear();
        if (!sorted) {
            Integer[] order = new Integer[released.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> RELEASE_ORDER.compare(released.get(a), released.get(b)));
            List<Event> events = new ArrayList<>(order.length);
            List<Long> under = new ArrayList<>(order.length);
            for (Integer index : order) {
                events.add(released.get(index));
                under.add(routedUnder.get(index));
            }
            routedUnder.clear();
            routedUnder.addAll(under);
            return events;
        }
        return released;
    }

    /**
     * The events {@code rule} matches here: of the streams it reads, routed while the rule had this key's spec
     * (an event routed before the rule took another PARTITION BY is its old version's, at the old key).
     */
    private List<Event> ownEvents(Rule rule, List<Event> released, List<Long> routedUnder) {
        CompiledRule compiled = rule.compiled();
        if (released.isEmpty() || compiled.streams().size() == 1 && allOf(compiled.streams().get(0), released)
                && allSince(rule.since(), routedUnder)) {
            return released;
        }
        List<Event> own = new ArrayList<>(released.size());
        for (int i = 0; i < released.size(); i++) {
            Event event = released.get(i);
            long generation = routedUnder.get(i);
            if (compiled.streams().contains(event.stream()) && (generation >= rule.since()
                    || rule.spec().equals(live.specAt(rule.name(), generation)))) {
                own.add(event);
            }
        }
        return own;
    }

    private static boolean allSince(long since, List<Long> routedUnder) {
        for (int i = 0; i < routedUnder.size(); i++) {
            if (routedUnder.get(i) < since) {
                return false;
            }
        }
        return true;
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
        for (Rule[] keyed : rulesBySpec.values()) {
            for (Rule rule : keyed) {
                sum += count.applyAsLong(rule.keyed());
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
