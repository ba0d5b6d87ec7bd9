package dev.vigil.nfa.runtime;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.EvaluationErrors;
import dev.vigil.nfa.match.MatchOutput;
import dev.vigil.nfa.match.MatchedEvents;
import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.match.PartialMatches;
import dev.vigil.nfa.program.RuleProgram;
import java.util.List;

/**
 * Runs one rule for one key at a time, the key's state coming in and going out as bytes: for a host that keeps
 * key states, the events waiting for the watermark and the timers itself (a Flink keyed operator), where
 * {@link RuleRuntime} keeps them for every key of an engine.
 *
 * <p>A call is one visit of the key, the same sequence as {@link RuleRuntime#advanceTo} runs for a key (Flink's
 * {@code CepOperator.onEventTime}): before the released events of each timestamp the NFA's time is advanced to it,
 * the events are processed in the order given, and after them time is advanced to the watermark. A visit without
 * events (the key's timer came) advances time only when the key's next deadline is due, as
 * {@link RuleRuntime#fireTimers} does. So the same events, released in the same per-key order, give the same
 * alerts, ids included, whatever watermarks the host sees between them.
 *
 * <p><b>Not thread-safe:</b> one per thread driving it; it keeps no key's state between calls.
 */
public final class KeyRunner implements MatchOutput {
    private final CompiledRule rule;
    private final Matcher matcher;
    private final PartitionKey partitionKey;
    private final AlertBuilder alerts;
    private final KeyStateFormat format;
    private final EngineListener listener;
    private Object currentKey;
    private long nextDeadline = Long.MAX_VALUE;
    private long matches;
    private long timeouts;
    private long dropped;
    private long evaluationErrors;

    public KeyRunner(CompiledRule rule, RuleProgram program, int maxPartialMatchesPerKey, long maxWorkPerEvent,
            KeyStateFormat format, EngineListener listener) {
        this.rule = rule;
        this.matcher = new Matcher(program.nfa(), maxPartialMatchesPerKey, maxWorkPerEvent);
        this.partitionKey = new PartitionKey(rule.partitionBy());
        this.alerts = new AlertBuilder(rule, program);
        this.format = format;
        this.listener = listener;
    }

    public CompiledRule rule() {
        return rule;
    }

    /** The key of {@code event} as the engine holds it. */
    public Object keyOf(Event event) {
        return partitionKey.of(event);
    }

    /**
     * Visits one key: feeds it {@code released} (events of the rule's streams, all of one key, in timestamp order,
     * ties in arrival order, none after {@code watermark}) and advances its time to {@code watermark}. Alerts go to
     * the listener. Returns the key's state after the visit, or null when it holds nothing (the host forgets the
     * key); {@code state} itself when the visit changed nothing.
     *
     * @param state the key's state as the last visit returned it, or null for a key holding nothing
     * @throws IllegalArgumentException events out of order, or after the watermark
     */
    public byte[] advance(byte[] state, List<Event> released, long watermark) {
        if (state == null && released.isEmpty()) {
            nextDeadline = Long.MAX_VALUE;
            return null;
        }
        KeyMatches before = state == null ? null : KeyMatches.decode(format, state);
        if (before != null && released.isEmpty() && matcher.nextDeadline(before.partialMatches) > watermark) {
            nextDeadline = matcher.nextDeadline(before.partialMatches);
            return state;
        }
        return encoded(advance(before, released, watermark));
    }

    /**
     * {@link #advance(byte[], List, long)} on a decoded state, changed in place: returns {@code state} itself (a new
     * one when it was null and events came), or null when the key holds nothing.
     */
    public KeyMatches advance(KeyMatches state, List<Event> released, long watermark) {
        if (state == null) {
            if (released.isEmpty()) {
                nextDeadline = Long.MAX_VALUE;
                return null;
            }
            state = new KeyMatches(partitionKey.of(released.get(0)), matcher.newState(), Long.MIN_VALUE,
                    Long.MAX_VALUE);
        }
        currentKey = state.key;
        PartialMatches matches = state.partialMatches;
        if (released.isEmpty()) {
            if (matcher.nextDeadline(matches) > watermark) {
                nextDeadline = matcher.nextDeadline(matches);
                return state;
            }
        } else {
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < released.size(); i++) {
                Event event = released.get(i);
                long timestamp = event.timestamp();
                if (timestamp < previous || timestamp > watermark) {
                    throw new IllegalArgumentException("event " + event + " of rule " + rule.name() + " released out"
                            + " of order: after time " + previous + ", at watermark " + watermark);
                }
                previous = timestamp;
                if (state.advancedTo != timestamp) {
                    matcher.advanceTime(matches, timestamp, this);
                    state.advancedTo = timestamp;
                }
                matcher.process(matches, event, timestamp, this);
            }
        }
        matcher.advanceTime(matches, watermark, this);
        state.advancedTo = watermark;
        return settle(state);
    }

    /**
     * Processing time: visits one key with one event on its arrival, the sequence {@link RuleRuntime#processNow}
     * runs for an engine's key: the key's time advances to {@code nowMs} and the event is processed at that time
     * (its own timestamp is what its fields show). The key is visited again, without events, through
     * {@link #advance} with the time now once it reaches {@link #nextDeadline}. Returns the key's state as
     * {@link #advance} does, never {@code state} itself.
     *
     * @param state the key's state as the last visit returned it, or null for a key holding nothing
     */
    public byte[] processAt(byte[] state, Event event, long nowMs) {
        return encoded(processAt(state == null ? null : KeyMatches.decode(format, state), event, nowMs));
    }

    /** {@link #processAt(byte[], Event, long)} on a decoded state, changed in place (a new one when null). */
    public KeyMatches processAt(KeyMatches state, Event event, long nowMs) {
        if (state == null) {
            state = new KeyMatches(partitionKey.of(event), matcher.newState(), Long.MIN_VALUE, Long.MAX_VALUE);
        }
        currentKey = state.key;
        matcher.advanceTime(state.partialMatches, nowMs, this);
        matcher.process(state.partialMatches, event, nowMs, this);
        state.advancedTo = nowMs;
        return settle(state);
    }

    /** The key's state after a visit: null when it holds nothing. */
    private KeyMatches settle(KeyMatches state) {
        evaluationErrors += EvaluationErrors.drain();
        if (matcher.isIdle(state.partialMatches)) {
            nextDeadline = Long.MAX_VALUE;
            return null;
        }
        nextDeadline = matcher.nextDeadline(state.partialMatches);
        state.nextDeadline = nextDeadline;
        return state;
    }

    private byte[] encoded(KeyMatches state) {
        return state == null ? null : state.encode(format);
    }

    /**
     * When the key the last {@link #advance} visited must be visited again without an event: the watermark reaching
     * this time may time out or complete its partial matches; {@link Long#MAX_VALUE} when never.
     */
    public long nextDeadline() {
        return nextDeadline;
    }

    /** Completed matches reported so far. */
    public long matches() {
        return matches;
    }

    /** Timed-out partial matches reported so far (rules with {@code ON TIMEOUT EMIT}). */
    public long timeouts() {
        return timeouts;
    }

    /** Partial matches dropped by the bound per key or the work bound so far. */
    public long droppedPartialMatches() {
        return dropped;
    }

    /** Conditions and {@code EMIT} values that met data of the wrong kind so far. */
    public long evaluationErrors() {
        return evaluationErrors;
    }

    @Override
    public void onMatch(MatchedEvents match) {
        matches++;
        listener.onAlert(alerts.match(currentKey, match));
    }

    @Override
    public void onTimeout(MatchedEvents partial, long timeoutTimestamp) {
        if (rule.reportsTimeouts()) {
            timeouts++;
            listener.onAlert(alerts.timeout(currentKey, partial, timeoutTimestamp));
        }
    }

    @Override
    public boolean wantsTimeouts() {
        return rule.reportsTimeouts();
    }

    @Override
    public void onPartialMatchesDropped(int count) {
        dropped += count;
        listener.onPartialMatchesDropped(rule.name(), PartitionKey.external(currentKey), count);
    }

    @Override
    public void onWorkBoundExceeded(int count) {
        dropped += count;
        listener.onWorkBoundExceeded(rule.name(), PartitionKey.external(currentKey), count);
    }
}
