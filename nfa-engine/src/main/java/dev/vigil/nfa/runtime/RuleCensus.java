package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.RunInspector;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Counts one rule's partial matches per NFA state over every key of its runtime, a slice of keys at a time, so that
 * a host can spread the count over several turns of its loop instead of stopping for every key at once
 * ({@link KeyStateStore#census}). A heap key changed between two slices is counted as it is when its turn comes, a
 * key added after the start is not counted; a serialized store is counted as it was at the start.
 *
 * <p><b>Not thread-safe:</b> used between two engine calls by the thread that drives the engine.
 */
public final class RuleCensus {
    private final KeyStateStore.Census keys;
    private final RunInspector runs;
    private final long[] byState;
    private int keysCounted;
    private boolean done;

    RuleCensus(KeyStateStore.Census keys, RunInspector runs, int states) {
        this.keys = keys;
        this.runs = runs;
        this.byState = new long[states];
    }

    /** Counts up to {@code maxKeys} more keys; true once every key is counted (the walk is then closed). */
    public boolean count(int maxKeys) {
        if (done) {
            return true;
        }
        try {
            done = keys.visit(state -> {
                runs.countByState(state.partialMatches, byState);
                keysCounted++;
            }, Math.max(1, maxKeys));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
        if (done) {
            keys.done();
        }
        return done;
    }

    /** The partial matches counted so far per state id (held completed matches at the final state). */
    public long[] partialMatchesByState() {
        return byState.clone();
    }

    public int keysCounted() {
        return keysCounted;
    }

    /** Ends the count, finished or not: a serialized store's scan is closed. */
    public void close() {
        done = true;
        keys.done();
    }
}
