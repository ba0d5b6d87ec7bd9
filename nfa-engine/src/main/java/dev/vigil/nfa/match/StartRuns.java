package dev.vigil.nfa.match;

/**
 * The start runs of one NFA, shared by every key. A start run has no event, no buffer node and no timestamps:
 * it differs from key to key only by its one-digit Dewey version, which grows by one or two with each match the
 * key starts. Runs are immutable, so the runs of the first few versions are made once and every key points at
 * them: a key holding one partial match does not carry a start run and a version array of its own.
 *
 * <p>Start runs carry no creation serial ({@link #SERIAL}): the serial orders partial matches for dropping the
 * oldest, and the start run is never dropped. Thread-safe: filled in the constructor, read-only afterwards.
 */
final class StartRuns {
    /** The serial of every start run. */
    static final long SERIAL = -1;
    /** Versions 1 to this are shared; a key that started more matches while holding some gets runs of its own. */
    private static final int SHARED_VERSIONS = 32;

    private final int startState;
    private final Run[] shared = new Run[SHARED_VERSIONS + 1];

    StartRuns(int startState) {
        this.startState = startState;
        for (int digit = 1; digit <= SHARED_VERSIONS; digit++) {
            shared[digit] = create(new int[] {digit});
        }
    }

    /** The start run of a fresh key (version 1). */
    Run first() {
        return shared[1];
    }

    /** The start run following {@code run} (a start run) with its version's last digit increased by {@code by}. */
    Run next(Run run, int by) {
        int[] version = run.version;
        if (version.length == 1 && version[0] + by >= 1 && version[0] + by <= SHARED_VERSIONS) {
            return shared[version[0] + by];
        }
        return create(Dewey.increase(version, by));
    }

    private Run create(int[] version) {
        return new Run(startState, null, version, null, SERIAL);
    }
}
