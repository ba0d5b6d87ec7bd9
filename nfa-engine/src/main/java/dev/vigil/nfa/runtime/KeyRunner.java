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
        PartialMatches matches;
        long advancedTo;
        if (state != null) {
            KeyStateFormat.Decoded decoded = format.decode(state);
            currentKey = decoded.key();
            matches = decoded.partialMatches();
            advancedTo = decoded.advancedTo();
        } else if (!released.isEmpty()) {
            currentKey = partitionKey.of(released.get(0));
            matches = matcher.newState();
            advancedTo = Long.MIN_VALUE;
        } else {
            nextDeadline = Long.MAX_VALUE;
            return null;
        }
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
                if (advancedTo != timestamp) {
                    matcher.advanceTime(matches, timestamp, this);
                    advancedTo = timestamp;
                }
                matcher.process(matches, event, timestamp, this);
            }
        }
        matcher.advanceTime(matches, watermark, this);
        return settle(matches, watermark);
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
        PartialMatches matches;
        if (state != null) {
            KeyStateFormat.Decoded decoded = format.decode(state);
            currentKey = decoded.key();
            matches = decoded.partialMatches();
        } else {
            currentKey = partitionKey.of(event);
            matches = matcher.newState();
        }
        matcher.advanceTime(matches, nowMs, this);
        matcher.process(matches, event, nowMs, this);
        return settle(matches, nowMs);
    }

    /** The key's state after a visit that advanced it to {@code advancedTo}: null when it holds nothing. */
    private byte[] settle(PartialMatches matches, long advancedTo) {
        evaluationErrors += EvaluationErrors.drain();
        if (matcher.isIdle(matches)) {
            nextDeadline = Long.MAX_VALUE;
            return null;
        }
        nextDeadline = matcher.nextDeadline(matches);
        return format.encode(currentKey, 0, nextDeadline, advancedTo, 0, 0, 0, matches);
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
