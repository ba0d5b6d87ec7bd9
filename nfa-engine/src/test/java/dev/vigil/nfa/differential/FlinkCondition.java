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

    /**
     * Condition evaluations allowed per case. A few generated shapes (long streams, NO SKIP, loops) make
     * Flink's partial matches grow without practical bound; past this budget the case is abandoned as
     * too expensive instead of stalling the build (Flink's bookkeeping is quadratic in the number of
     * partial matches, so the budget must stop it early). Ordinary cases use a few thousand.
     */
    static final long BUDGET = 300_000;

    /** Evaluations in the case running on this thread; reset by {@link FlinkCep} per case. */
    static final ThreadLocal<long[]> EVALUATIONS = ThreadLocal.withInitial(() -> new long[1]);

    /** Thrown when a case exceeds {@link #BUDGET}. */
    static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExceeded() {
            super("more than " + BUDGET + " condition evaluations");
        }
    }

    private final CaseCondition condition;

    FlinkCondition(CaseCondition condition) {
        this.condition = condition;
    }

    @Override
    public boolean filter(CaseEvent event, Context<CaseEvent> ctx) {
        if (++EVALUATIONS.get()[0] > BUDGET) {
            throw new BudgetExceeded();
        }
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
