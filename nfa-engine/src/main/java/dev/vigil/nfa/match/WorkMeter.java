package dev.vigil.nfa.match;

/**
 * The work one {@link Matcher} call ({@code process} or {@code advanceTime}) has done on one key, measured against
 * the work bound. One unit is a run stepped or created, a shared-buffer edge examined (locking, releasing or
 * extracting a path: Flink's buffer examines every edge of a node for each, so a node that many runs passed makes
 * each of them costly), or a node copied into a match or a timeout. An ordinary rule does a few units per run; a
 * skip-till-any loop over many events makes exponentially many runs and, at the partial-match bound, hundreds of
 * millions of units per event. One per {@link Stepper}, reset by each call.
 */
final class WorkMeter {
    long used;
}
