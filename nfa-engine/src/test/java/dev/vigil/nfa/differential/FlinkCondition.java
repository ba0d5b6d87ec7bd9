package dev.vigil.nfa.differential;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * The Flink face of a {@link CaseCondition}: an iterative condition whose view of other variables is
 * {@code ctx.getEventsForPattern(name)}, Flink's own record of the partial match being extended.
 */
final class FlinkCondition extends IterativeCondition<CaseEvent> {
    private static final long serialVersionUID = 1L;

    private final CaseCondition condition;

    FlinkCondition(CaseCondition condition) {
        this.condition = condition;
    }

    @Override
    public boolean filter(CaseEvent event, Context<CaseEvent> ctx) {
        return condition.test(event, variable -> {
            List<CaseEvent> events = new ArrayList<>();
            try {
                for (CaseEvent bound : ctx.getEventsForPattern(variable)) {
                    events.add(bound);
                }
            } catch (Exception e) {
                throw new IllegalStateException("Flink could not read the events of " + variable, e);
            }
            return events;
        });
    }

    @Override
    public String toString() {
        return condition.toString();
    }
}
