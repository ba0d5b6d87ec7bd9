package dev.vigil.nfa.expr;

/**
 * Counts evaluation errors: an expression meeting data of the wrong kind (text where a number is needed, a
 * number compared with text, a non-boolean used as a condition) or dividing by zero. The expression still yields
 * null or false, as documented, so one bad event never stops a rule; the count tells users their data and rules
 * disagree (Flink CEP would fail the job on most of these).
 *
 * <p>Compiled expressions are shared by every shard, so the count is kept per thread: the runtime of a rule
 * {@link #drain}s it after each piece of evaluation it drives and adds it to the rule's own counter. Recording
 * happens only on the error path; the normal path pays nothing (nor does draining, until the first error).
 */
public final class EvaluationErrors {
    private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[1]);
    /**
     * Whether any thread ever recorded an error. Until then every count is zero and {@link #drain} skips the
     * thread-local lookup (the runtime drains several times per event). A plain field is enough: a thread only
     * drains its own count, and its own records set the flag before they count.
     */
    private static boolean everRecorded;

    private EvaluationErrors() {
    }

    static void record() {
        everRecorded = true;
        COUNT.get()[0]++;
    }

    /** Records an error when {@code value} is present but not a number; returns whether it is a number. */
    static boolean number(Object value) {
        if (Values.isNumber(value)) {
            return true;
        }
        if (value != null) {
            record();
        }
        return false;
    }

    /**
     * Gives back errors {@link #drain}ed from this thread's count, for a caller that set them aside to evaluate
     * something whose errors are not to be counted (an explanation).
     */
    public static void restore(long errors) {
        if (errors > 0) {
            everRecorded = true;
            COUNT.get()[0] += errors;
        }
    }

    /** The errors counted on this thread since the last call, and starts counting from zero. */
    public static long drain() {
        if (!everRecorded) {
            return 0;
        }
        long[] count = COUNT.get();
        long errors = count[0];
        count[0] = 0;
        return errors;
    }
}
