package dev.vigil.nfa;

import dev.vigil.nfa.runtime.RuleCensus;

/**
 * The partial matches of one rule per NFA state, over every key an engine holds, counted a slice of keys at a time
 * ({@link #count}) so that a host with other work (the server's shard) can spread a large count over several turns
 * of its loop. From {@link Engine#census}; a heap key changed between two slices is counted as it is when its turn
 * comes, a RocksDB store as it was at the start. Held completed matches (waiting for the skip strategy) count at the
 * final state; the start run, which every key has, is not counted.
 *
 * <p><b>Not thread-safe:</b> counted between two engine calls by the thread that drives the engine; {@link #close}
 * it if it is dropped unfinished (the engine closes those still open when it closes).
 */
public final class StateCensus implements AutoCloseable {
    private final String rule;
    private final int version;
    private final RuleCensus census;
    private final Runnable onClose;
    private boolean closed;

    StateCensus(String rule, int version, RuleCensus census, Runnable onClose) {
        this.rule = rule;
        this.version = version;
        this.census = census;
        this.onClose = onClose;
    }

    public String rule() {
        return rule;
    }

    /** The version of the rule whose keys are counted. */
    public int version() {
        return version;
    }

    /** Counts up to {@code maxKeys} more keys; true once every key is counted. */
    public boolean count(int maxKeys) {
        if (closed) {
            return true;
        }
        boolean done = census.count(maxKeys);
        if (done) {
            close();
        }
        return done;
    }

    /** The partial matches counted so far, by state id ({@link Automaton}'s numbering). */
    public long[] partialMatchesByState() {
        return census.partialMatchesByState();
    }

    /** The keys counted so far. */
    public int keysCounted() {
        return census.keysCounted();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            census.close();
            onClose.run();
        }
    }
}
