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
     * Condition evaluations allowed per case, and its wall time. A few generated shapes (long streams,
     * NO SKIP, combinations) make Flink's partial matches grow without practical bound, and its
     * bookkeeping is quadratic in their number; past either budget the case is abandoned as too expensive
     * instead of stalling the build. Every partial match evaluates at least one take condition per event,
     * so the evaluation count bounds the number of partial matches. Ordinary cases use a few thousand.
     */
    static final long BUDGET = 50_000;
    static final long BUDGET_NANOS = 2_000_000_000L;

    /** Per thread: evaluations so far and the start time of the case running; reset by {@link FlinkCep}. */
    static final ThreadLocal<long[]> USAGE = ThreadLocal.withInitial(() -> new long[2]);

    /** Thrown when a case exceeds a budget. */
    static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExceeded(String what) {
            super("more than " + what);
        }
    }

    static void startCase() {
        long[] usage = USAGE.get();
        usage[0] = 0;
        usage[1] = System.nanoTime();
    }

    private final CaseCondition condition;

    FlinkCondition(CaseCondition condition) {
        this.condition = condition;
    }

    @Override
    public boolean filter(CaseEvent event, Context<CaseEvent> ctx) {
        long[] usage = USAGE.get();
        if (++usage[0] > BUDGET) {
            throw new BudgetExceeded(BUDGET + " condition evaluations");
        }
        if ((usage[0] & 1023) == 0 && System.nanoTime() - usage[1] > BUDGET_NANOS) {
            throw new BudgetExceeded(BUDGET_NANOS / 1_000_000 + " ms");
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
