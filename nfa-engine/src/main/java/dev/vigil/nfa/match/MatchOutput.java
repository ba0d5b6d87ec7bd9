package dev.vigil.nfa.match;

/**
 * Receives what {@link Matcher#process} and {@link Matcher#advanceTime} produce, in Flink's order: within
 * one call, matches first (in Flink's emission order), then timed-out partial matches, then a bound trip.
 * Called after the key's state is updated; an implementation may feed other keys from a callback.
 */
public interface MatchOutput {
    /** A completed match. */
    void onMatch(MatchedEvents match);

    /**
     * A partial match dropped by a window.
     *
     * @param timeoutTimestamp when it timed out: first event + {@code WITHIN}, or (for a per-event window)
     *     last event + that window, as Flink reports it
     */
    void onTimeout(MatchedEvents partial, long timeoutTimestamp);

    /**
     * Whether {@link #onTimeout} is of use. When not, a timed-out partial match is dropped without gathering its
     * events (as Flink's NFA does when built without timeout handling); {@code onTimeout} is not called.
     */
    default boolean wantsTimeouts() {
        return true;
    }

    /** {@code count} partial matches were dropped because the key exceeded its partial-match bound. */
    void onPartialMatchesDropped(int count);

    /**
     * A call needed more work on the key than the work bound allows ({@link Matcher#process}): the key's
     * {@code count} partial and held matches were all dropped, and nothing else of the call is reported. Default:
     * reported as dropped partial matches.
     */
    default void onWorkBoundExceeded(int count) {
        onPartialMatchesDropped(count);
    }
}
