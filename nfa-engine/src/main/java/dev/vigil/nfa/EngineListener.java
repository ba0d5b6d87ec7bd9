package dev.vigil.nfa;

/** Receives the engine's output. Called on the thread that drives the engine; must not block for long. */
public interface EngineListener {
    void onAlert(Alert alert);

    void onLateEvent(LateEvent late);

    /**
     * A rule's bound on partial matches per key tripped and the oldest {@code count} partial matches of
     * {@code key} were dropped. Default: ignored (the engine counts them anyway).
     */
    default void onPartialMatchesDropped(String rule, Object key, int count) {}

    /**
     * An event (or an advance of time) needed more work on {@code key} than the rule's work bound
     * ({@link EngineConfig#maxWorkPerEvent}) and the key's {@code count} partial matches were all dropped. Default:
     * ignored (the engine counts it anyway).
     */
    default void onWorkBoundExceeded(String rule, Object key, int count) {}

    /**
     * A bound on keys holding partial matches tripped (the rule's, or the engine's over every rule) and {@code key},
     * the rule's key that had held partial matches the longest, lost its {@code partialMatches} of them. Default:
     * ignored (the engine counts evicted keys and their partial matches anyway).
     */
    default void onKeyEvicted(String rule, Object key, int partialMatches) {}
}
