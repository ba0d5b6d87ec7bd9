package dev.vigil.nfa;

import dev.vigil.nfa.runtime.KeyMatches;
import dev.vigil.nfa.runtime.KeyRunner;
import dev.vigil.nfa.runtime.KeyStateFormat;
import dev.vigil.nfa.state.KeyStateCodec;
import java.util.List;

/**
 * One rule run one key at a time, for a host that keeps each key's state, the events waiting for the watermark and
 * the timers in its own keyed state (a Flink keyed operator: the key's state as bytes in keyed state, its waiting
 * events in a {@code MapState}, its deadline as an event-time timer), where an {@link Engine} keeps all of them
 * itself.
 *
 * <p><b>How a host drives it.</b> It decides lateness and watermarks as the engine's clocks do
 * ({@link StreamClocks}), holds each on-time event of the rule's streams under its key ({@link #keyOf}) until the
 * watermark passes it, and then visits the key ({@link #advance}) with the released events in timestamp order
 * (ties in arrival order) and the watermark; it stores the state the visit returns (null: forget the key) and
 * visits the key again, without events, when the watermark reaches {@link #nextDeadline}. Events released in
 * the same per-key order give the same alerts, ids included, as the engine gives, whatever watermarks come between
 * them; the engine's bounds on keys holding partial matches ({@link EngineConfig#keyBounds}) do not apply: the
 * host's state backend holds the keys. The bytes are the engine's key-state format ({@code KeyStateCodec}):
 * versioned, checked by a CRC, the same for every host.
 *
 * <p><b>Processing time</b> ({@link EngineConfig.TimeMode#PROCESSING}): no waiting and no lateness; the host
 * visits the key with each event on its arrival ({@link #processAt}, at its clock's time) and again, without
 * events, when its clock reaches {@link #nextDeadline} ({@link #advance} with no events and the time now): the
 * sequence the engine runs in processing time, so the same events at the same times give the same alerts.
 *
 * <p><b>Not thread-safe:</b> one per thread (a Flink subtask); it keeps no key's state between calls.
 */
public final class KeyedRule {
    private final KeyRunner runner;

    /**
     * Why a keyed host cannot run {@code rule} yet, or null when it can: {@code SUPPRESS FOR} and windowed aggregates
     * ({@code OVER}) keep state per key that outlives the key's partial matches, which this state format does not
     * hold. A host checks it when it takes the rule (the Flink runner at submission and for each rule change), so the
     * rule is refused there rather than failing where it runs.
     */
    public static String unsupported(CompiledRule rule) {
        if (rule.suppressMillis() == 0 && rule.program().windows().isEmpty()) {
            return null;
        }
        return "rule " + rule.name() + " uses " + (rule.suppressMillis() != 0 ? "SUPPRESS FOR"
                : "a windowed aggregate (OVER)") + ", which a keyed host (the Flink runner) does not run yet; run it "
                + "in the Vigil server";
    }

    /**
     * @param config the bounds per key ({@link EngineConfig#maxPartialMatchesPerKey},
     *     {@link EngineConfig#maxWorkPerEvent}); its time settings are the host's to follow
     * @param listener receives the alerts and the bounds' reports; never late events (the host decides those)
     * @throws IllegalArgumentException the rule suppresses alerts ({@code SUPPRESS FOR}) or has windowed aggregates
     *     ({@code OVER}): their state per key outlives the key's partial matches, which this state format does not
     *     hold yet
     */
    public KeyedRule(CompiledRule rule, EngineConfig config, EngineListener listener) {
        String unsupported = unsupported(rule);
        if (unsupported != null) {
            throw new IllegalArgumentException(unsupported);
        }
        this.runner = new KeyRunner(rule, rule.program(), config.maxPartialMatchesPerKey(), config.maxWorkPerEvent(),
                new KeyStateCodec(rule.program().nfa()), listener);
    }

    public CompiledRule rule() {
        return runner.rule();
    }

    /** The key of {@code event} as the engine holds it: equal for two events exactly when the engine's keys are. */
    public Object keyOf(Event event) {
        return runner.keyOf(event);
    }

    /**
     * Visits one key: feeds it {@code released} (events of the rule's streams, all of one key, in timestamp order,
     * ties in arrival order, none after {@code watermark}) and advances its time to {@code watermark}; alerts go to
     * the listener. A visit without events changes the key only when its {@link #nextDeadline} is due.
     *
     * @param state the key's state as the last visit returned it, or null for a key holding nothing
     * @return the key's state after the visit, or null when it holds nothing (the host forgets the key); {@code
     *     state} itself when the visit changed nothing
     * @throws IllegalArgumentException events out of order, or after the watermark
     * @throws java.io.UncheckedIOException {@code state} is not a key state of this rule's format
     */
    public byte[] advance(byte[] state, List<Event> released, long watermark) {
        return runner.advance(state, released, watermark);
    }

    /**
     * {@link #advance(byte[], List, long)} for a host that keeps key states decoded on its heap: {@code state} is
     * changed in place and returned (a new one when it was null and events came), or null when the key holds
     * nothing. The same visits give the same alerts, and {@link KeyMatches#encode} the same bytes, as on bytes.
     */
    public KeyMatches advance(KeyMatches state, List<Event> released, long watermark) {
        return runner.advance(state, released, watermark);
    }

    /** {@link #processAt(byte[], Event, long)} on a decoded state, changed in place (a new one when null). */
    public KeyMatches processAt(KeyMatches state, Event event, long nowMs) {
        return runner.processAt(state, event, nowMs);
    }

    /**
     * A new codec of this rule's key states ({@link KeyMatches#encode}, {@link KeyMatches#decode}): one per thread
     * that encodes or decodes them (a codec reuses its buffers).
     */
    public static KeyStateFormat format(CompiledRule rule) {
        return new KeyStateCodec(rule.program().nfa());
    }

    /**
     * Processing time: visits one key with {@code event} on its arrival at the host's time {@code nowMs}: the key's
     * time advances to it and the event is processed then (its own timestamp is what its fields show, as in the
     * engine); alerts go to the listener.
     *
     * @param state the key's state as the last visit returned it, or null for a key holding nothing
     * @return the key's state after the visit, or null when it holds nothing
     * @throws java.io.UncheckedIOException {@code state} is not a key state of this rule's format
     */
    public byte[] processAt(byte[] state, Event event, long nowMs) {
        return runner.processAt(state, event, nowMs);
    }

    /**
     * When the key the last {@link #advance} or {@link #processAt} visited needs a visit without an event (the
     * watermark, or in processing time the clock, reaching it may time out or complete partial matches), or
     * {@link Long#MAX_VALUE} when never.
     */
    public long nextDeadline() {
        return runner.nextDeadline();
    }

    /** Completed matches reported over every visit so far. */
    public long matches() {
        return runner.matches();
    }

    /** Timed-out partial matches reported so far (rules with {@code ON TIMEOUT EMIT}). */
    public long timeouts() {
        return runner.timeouts();
    }

    /** Partial matches dropped so far by the bound per key or the work bound. */
    public long droppedPartialMatches() {
        return runner.droppedPartialMatches();
    }

    /** Conditions and {@code EMIT} values that met data of the wrong kind so far (each yields null or false). */
    public long evaluationErrors() {
        return runner.evaluationErrors();
    }
}
