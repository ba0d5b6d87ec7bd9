package dev.vigil.nfa.match;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.MatchView;
import java.util.List;

/**
 * What a condition sees of the run an event would extend (Flink's {@code ConditionContext}): the run's
 * events, extracted from the shared buffer once, on first use, excluding the current event.
 */
final class RunView implements MatchView {
    private final List<String> variables;
    private final WorkMeter work;
    private SharedBuffer buffer;
    private Run run;
    private MatchedEvents events;

    RunView(List<String> variables, WorkMeter work) {
        this.variables = variables;
        this.work = work;
    }

    /** Points the view at another key's buffer; one view serves every process call of its stepper. */
    void attach(SharedBuffer keyBuffer) {
        buffer = keyBuffer;
        run = null;
        events = null;
    }

    void reset(Run next) {
        run = next;
        events = null;
    }

    private MatchedEvents events() {
        if (events == null) {
            events = Materializer.current(buffer, variables, run, work);
        }
        return events;
    }

    @Override
    public int count(int variable) {
        return events().count(variable);
    }

    @Override
    public Event event(int variable, int index) {
        return events().event(variable, index);
    }
}
