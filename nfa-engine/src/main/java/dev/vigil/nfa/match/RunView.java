package dev.vigil.nfa.match;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.MatchView;
import java.util.Arrays;
import java.util.List;

/**
 * What a condition sees of the run an event would extend (Flink's {@code ConditionContext}): the run's
 * events, found in the shared buffer once, on first use, excluding the current event.
 *
 * <p>A run's events are the one path back from its node along the edges compatible with its version. Where no
 * node on the way has two such edges (nearly always), the view walks that path into arrays of its own, reused
 * for every run its stepper steps, and answers from them: a condition such as {@code b.value > a.value} then
 * allocates nothing. Where the path branches it asks {@link Materializer}, whose extraction follows every branch
 * (Flink's {@code extractCurrentMatches}). Both count the same work.
 */
final class RunView implements MatchView {
    private final List<String> variables;
    private final WorkMeter work;
    private SharedBuffer buffer;
    private Run run;
    /** Whether the run's events have been found since {@link #reset}. */
    private boolean found;
    /** The branching case: the materialised events, else null. */
    private MatchedEvents events;
    /** The path, newest node first ({@code length} of them). */
    private SharedBuffer.Node[] path = new SharedBuffer.Node[8];
    private int length;
    /** Positions in {@code path} grouped by variable, oldest first: variable v's from {@code starts[v]}. */
    private int[] byVariable = new int[8];
    /** Per variable, where its positions begin in {@code byVariable}; {@code starts[v + 1] - starts[v]} of them. */
    private final int[] starts;

    RunView(List<String> variables, WorkMeter work) {
        this.variables = variables;
        this.work = work;
        this.starts = new int[variables.size() + 1];
    }

    /** Points the view at another key's buffer; one view serves every process call of its stepper. */
    void attach(SharedBuffer keyBuffer) {
        buffer = keyBuffer;
        reset(null);
    }

    void reset(Run next) {
        run = next;
        found = false;
        events = null;
        if (length > 0) {
            Arrays.fill(path, 0, length, null);   // no key's nodes kept alive by the stepper
            length = 0;
        }
    }

    private void find() {
        found = true;
        // The start run, or a path gone, has no events (length 0), as extraction finds none.
        if (run.node != null && !run.node.removed && !walk(run.node, run.version)) {
            Arrays.fill(path, 0, length, null);
            length = 0;
            events = Materializer.current(buffer, variables, run, work);
            return;
        }
        int[] counts = starts;
        Arrays.fill(counts, 0);
        for (int i = 0; i < length; i++) {
            counts[path[i].variable + 1]++;
        }
        for (int v = 1; v < counts.length; v++) {
            counts[v] += counts[v - 1];
        }
        if (byVariable.length < length) {
            byVariable = new int[Math.max(length, byVariable.length * 2)];
        }
        // Filled from the oldest node on, each variable's slots in turn; starts[v] moves to the end of v's slots
        // and is then moved back.
        for (int i = length - 1; i >= 0; i--) {
            byVariable[counts[path[i].variable]++] = i;
        }
        for (int v = counts.length - 1; v > 0; v--) {
            counts[v] = counts[v - 1];
        }
        counts[0] = 0;
    }

    /**
     * Walks the one path from {@code node} back to the run's first event into {@link #path}; false when a node on
     * the way has more than one compatible edge. A path that ends at a node without a compatible edge is no path
     * (length 0, as extraction finds none). Counts the work as {@link SharedBuffer#extractionWork}.
     */
    private boolean walk(SharedBuffer.Node node, int[] version) {
        SharedBuffer.Node current = node;
        int[] currentVersion = version;
        int n = 0;
        long pathWork = 0;
        while (current != null) {
            int compatible = -1;
            for (int i = 0; i < current.edgeCount(); i++) {
                if (Dewey.compatible(currentVersion, current.edgeVersion(i))) {
                    if (compatible >= 0) {
                        length = n;
                        return false;
                    }
                    compatible = i;
                }
            }
            if (n == path.length) {
                path = Arrays.copyOf(path, n * 2);
            }
            path[n++] = current;
            pathWork += 1 + current.edgeCount();
            if (compatible < 0) {
                Arrays.fill(path, 0, n, null);
                length = 0;
                return true;
            }
            SharedBuffer.Node target = current.edgeTarget(compatible);
            if (target != null && target.removed) {
                throw new IllegalStateException("shared buffer edge to a removed node");
            }
            currentVersion = current.edgeVersion(compatible);
            current = target;
        }
        length = n;
        work.used += pathWork;
        return true;
    }

    @Override
    public int count(int variable) {
        if (!found) {
            find();
        }
        if (events != null) {
            return events.count(variable);
        }
        return variable < 0 || variable >= starts.length - 1 ? 0 : starts[variable + 1] - starts[variable];
    }

    @Override
    public Event event(int variable, int index) {
        if (!found) {
            find();
        }
        if (events != null) {
            return events.event(variable, index);
        }
        if (index < 0 || index >= count(variable)) {
            throw new IndexOutOfBoundsException("variable " + variable + " has no event " + index);
        }
        return path[byVariable[starts[variable] + index]].entry.event;
    }
}
