package dev.vigil.nfa.match;

import java.util.Arrays;

/**
 * One computation state (Flink's {@code ComputationState}): a partial match waiting at an NFA state, with
 * its last shared-buffer node, its Dewey version and its timestamps. Immutable; a step creates new runs.
 */
final class Run {
    final int state;
    /** The node of the run's last taken event, or null for the start run. */
    final SharedBuffer.Node node;
    final int[] version;
    /** The first taken event, or null for the start run. */
    final SharedBuffer.Entry startEvent;
    /** Creation order within the key, for dropping the oldest runs first; start runs: {@link StartRuns#SERIAL}. */
    final long serial;

    Run(int state, SharedBuffer.Node node, int[] version, SharedBuffer.Entry startEvent, long serial) {
        this.state = state;
        this.node = node;
        this.version = version;
        this.startEvent = startEvent;
        this.serial = serial;
    }

    /**
     * Timestamp of the first taken event (the one its entry was registered with); -1 for the start run. Read from
     * the entry rather than kept, as {@link #previousTs}: a run is made at every step, and without the two copies it
     * takes 40 bytes instead of 56.
     */
    long startTs() {
        return startEvent == null ? -1 : startEvent.timestamp;
    }

    /** Timestamp of the last taken event (its node's entry's); -1 for the start run, which has no node. */
    long previousTs() {
        return node == null ? -1 : node.entry.timestamp;
    }

    /**
     * Flink's {@code NFAState.COMPUTATION_STATE_COMPARATOR}: by the first event's (timestamp, id); runs
     * without a first event (the start run) last.
     */
    static int compare(Run a, Run b) {
        long ta = a.startEvent != null ? a.startEvent.timestamp : Long.MAX_VALUE;
        long tb = b.startEvent != null ? b.startEvent.timestamp : Long.MAX_VALUE;
        if (ta != tb) {
            return ta < tb ? -1 : 1;
        }
        int ia = a.startEvent != null ? a.startEvent.id : Integer.MAX_VALUE;
        int ib = b.startEvent != null ? b.startEvent.id : Integer.MAX_VALUE;
        return Integer.compare(ia, ib);
    }

    /** Flink's {@code ComputationState.equals} (by value, not identity). */
    boolean sameAs(Run other) {
        return state == other.state && Arrays.equals(version, other.version) && startEvent == other.startEvent
                && node == other.node;
    }

    @Override
    public String toString() {
        return "Run{state=" + state + ", version=" + Dewey.toString(version) + ", start=" + startTs() + "}";
    }
}
