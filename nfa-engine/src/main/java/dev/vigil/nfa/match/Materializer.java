package dev.vigil.nfa.match;

import java.util.List;

/** Turns a run's shared-buffer path into {@link MatchedEvents} (Flink's {@code extractCurrentMatches}). */
final class Materializer {
    private static final SharedBuffer.Node[] NO_NODES = new SharedBuffer.Node[0];

    private Materializer() {}

    /**
     * The events of {@code run}, the extraction's work added to {@code work}; Flink insists a run has exactly one
     * path (none for the start run).
     */
    static MatchedEvents current(SharedBuffer buffer, List<String> variables, Run run, WorkMeter work) {
        if (run.node == null) {
            return MatchedEvents.of(variables, NO_NODES);
        }
        List<SharedBuffer.Node[]> paths = buffer.extract(run.node, run.version);
        work.used += SharedBuffer.extractionWork(paths);
        if (paths.isEmpty()) {
            return MatchedEvents.of(variables, NO_NODES);
        }
        if (paths.size() != 1) {
            throw new IllegalStateException(paths.size() + " paths for one run " + run);
        }
        return MatchedEvents.of(variables, paths.get(0));
    }
}
