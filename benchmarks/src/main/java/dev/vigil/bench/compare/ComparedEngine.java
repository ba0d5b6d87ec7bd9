package dev.vigil.bench.compare;

/**
 * One engine of the comparison. The runner calls {@link #prepare} once (untimed: the engine builds its rules and
 * its own event objects from the stream), then {@link #run()} for every warm-up and measured pass, each through a
 * fresh engine instance.
 */
public interface ComparedEngine {
    /** A short name for the table: vigil, flink, esper, floor. */
    String name();

    /** Why the engine cannot run the workload at all, or null when it can. */
    default String cannotRun(Workload workload) {
        return null;
    }

    /**
     * How the engine's meaning of the workload differs from Flink CEP's (so its matches are not comparable), or null
     * when it is the same meaning.
     */
    default String differs(Workload workload) {
        return null;
    }

    void prepare(Workload workload, GeneratedStream stream) throws Exception;

    /**
     * Runs the prepared stream through a fresh engine, to the end of input (all windows closed), recording the
     * times of {@link Run} and counting every match in a {@link MatchTally}.
     */
    Run run() throws Exception;

    /**
     * An engine with W1's rule and nothing fed, for measuring memory: the runner measures the heap, calls
     * {@link MemoryProbe#hold}, measures again.
     */
    MemoryProbe memoryProbe() throws Exception;

    /** An engine ready for {@link #hold}; closing it releases the engine. */
    interface MemoryProbe extends AutoCloseable {
        /**
         * Feeds {@code keys} events of type A, value 0, one per key, named {@code "m" + i} (new Strings, not kept by
         * the caller), timestamps {@code FIRST_TIMESTAMP + i / 100}, then moves event time to
         * {@code FIRST_TIMESTAMP + keys / 100 + 1000}: every event is processed and each key holds exactly one W1
         * partial match (waiting for b), none expired.
         */
        void hold(int keys) throws Exception;
    }
}
