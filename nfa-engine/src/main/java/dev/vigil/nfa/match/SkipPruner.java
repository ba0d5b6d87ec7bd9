package dev.vigil.nfa.match;

import dev.vigil.dsl.ast.AfterMatchSkip;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies an after-match skip strategy (Flink's {@code AfterMatchSkipStrategy.prune}): after a match is
 * emitted, drop the partial and completed matches that started at or before (TO NEXT, PAST LAST) or strictly
 * before (TO FIRST/LAST v) the match's pruning event. Stateless; shared like the {@link Matcher}.
 */
final class SkipPruner {
    private final AfterMatchSkip.Kind kind;
    private final int variable;

    SkipPruner(AfterMatchSkip.Kind kind, int variable) {
        this.kind = kind;
        this.variable = variable;
    }

    boolean skips() {
        return kind != AfterMatchSkip.Kind.NO_SKIP;
    }

    /** Prunes {@code runs} after {@code match}; the releases' work is added to {@code work}. */
    void prune(RunQueue runs, List<SharedBuffer.Node[]> match, SharedBuffer buffer, WorkMeter work) {
        if (!skips()) {
            return;
        }
        SharedBuffer.Entry pruning = pruningEvent(match);
        if (pruning == null) {
            return;
        }
        work.used += runs.size();
        List<Run> discard = null;
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            if (run.startEvent != null && shouldPrune(run.startEvent, pruning)) {
                work.used += buffer.release(run.node, run.version);
                if (discard == null) {
                    discard = new ArrayList<>();
                }
                discard.add(run);
            }
        }
        if (discard != null) {
            runs.removeAll(discard);
        }
    }

    private boolean shouldPrune(SharedBuffer.Entry start, SharedBuffer.Entry pruning) {
        int order = SharedBuffer.Entry.compare(start, pruning);
        if (kind == AfterMatchSkip.Kind.TO_FIRST || kind == AfterMatchSkip.Kind.TO_LAST) {
            return order < 0;
        }
        return order <= 0;
    }

    /** Flink's {@code getPruningId} over every path of the match (usually one). */
    private SharedBuffer.Entry pruningEvent(List<SharedBuffer.Node[]> match) {
        SharedBuffer.Entry pruning = null;
        for (SharedBuffer.Node[] path : match) {
            if (kind == AfterMatchSkip.Kind.PAST_LAST_EVENT) {
                for (SharedBuffer.Node node : path) {
                    pruning = max(pruning, node.entry);
                }
            } else if (kind == AfterMatchSkip.Kind.TO_NEXT_EVENT) {
                for (SharedBuffer.Node node : path) {
                    pruning = pruning == null || SharedBuffer.Entry.compare(node.entry, pruning) < 0
                            ? node.entry : pruning;
                }
            } else {
                SharedBuffer.Entry chosen = null;
                for (SharedBuffer.Node node : path) {
                    if (node.variable == variable && (chosen == null || kind == AfterMatchSkip.Kind.TO_LAST)) {
                        chosen = node.entry;
                    }
                }
                if (chosen != null) {
                    pruning = max(pruning, chosen);
                }
            }
        }
        return pruning;
    }

    private static SharedBuffer.Entry max(SharedBuffer.Entry a, SharedBuffer.Entry b) {
        if (a == null) {
            return b;
        }
        return SharedBuffer.Entry.compare(a, b) >= 0 ? a : b;
    }
}
