package dev.vigil.nfa.compile;

import dev.vigil.nfa.CompileLimits;
import java.util.function.LongSupplier;

/**
 * What building one rule's NFA may still spend: states, transitions and time. {@link StateGraph} charges every
 * state and transition it creates, and the compiler's loops that create neither call {@link #tick}; the first
 * charge over a bound throws {@link Exceeded}, which abandons the compile. The deadline is checked cooperatively,
 * by reading the clock every few hundred charges, so a compile overruns it by microseconds, not by its length.
 *
 * <p><b>Not thread-safe:</b> one per compile of one rule.
 */
public final class Budget {
    /** Charges between two readings of the clock. */
    private static final int CLOCK_EVERY = 256;
    private static final long MAX_TIMEOUT_MS = Long.MAX_VALUE / 4 / 1_000_000L;

    private final int maxStates;
    private final int maxTransitions;
    private final long timeoutMs;
    private final long deadlineNanos;
    private final LongSupplier nanoClock;
    private int states;
    private int transitions;
    private int untilClock = CLOCK_EVERY;

    /** A bound was passed; {@link #limit} names it as the settings do. */
    public static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String limit;

        Exceeded(String limit, String message) {
            super(message, null, false, false);
            this.limit = limit;
        }

        public String limit() {
            return limit;
        }
    }

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}); read when the budget is made
     *     and then every few hundred charges
     */
    public Budget(int maxStates, int maxTransitions, long timeoutMs, LongSupplier nanoClock) {
        this.maxStates = maxStates;
        this.maxTransitions = maxTransitions;
        this.timeoutMs = timeoutMs;
        this.nanoClock = nanoClock;
        // capped so that the sum cannot wrap: a timeout of a million years is as good as none
        this.deadlineNanos = nanoClock.getAsLong() + Math.min(timeoutMs, MAX_TIMEOUT_MS) * 1_000_000L;
    }

    /** No bound at all (tests of the graph's shape, and callers that bound the input otherwise). */
    public static Budget unlimited() {
        return new Budget(Integer.MAX_VALUE, Integer.MAX_VALUE, MAX_TIMEOUT_MS, () -> 0L);
    }

    void chargeState() {
        if (++states > maxStates) {
            throw new Exceeded(CompileLimits.NFA_STATES, "compiles to more than " + maxStates + " NFA states");
        }
        tick();
    }

    void chargeTransition() {
        if (++transitions > maxTransitions) {
            throw new Exceeded(CompileLimits.NFA_TRANSITIONS, "compiles to more than " + maxTransitions
                    + " NFA transitions");
        }
        tick();
    }

    /** One step of work that creates nothing; the clock is read every few hundred steps. */
    void tick() {
        if (--untilClock > 0) {
            return;
        }
        untilClock = CLOCK_EVERY;
        if (nanoClock.getAsLong() - deadlineNanos > 0) {
            throw new Exceeded(CompileLimits.COMPILE_TIMEOUT, "took more than " + timeoutMs + " ms to compile");
        }
    }
}
