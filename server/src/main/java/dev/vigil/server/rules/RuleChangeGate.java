package dev.vigil.server.rules;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Rule changes one at a time: a change (its checks against the running {@link RuleSet}, the next set it computes
 * from it, and the deploy it asks the sequencer for, which swaps that set in) starts only once the change before it
 * is done. Without it, two requests
 * replacing one rule could both take the next version, or both pass the "name is free" check, while their deploys
 * are in flight. Changes waiting are bounded ({@link #MAX_WAITING}); beyond it a change is refused.
 *
 * <p><b>Not thread-safe:</b> the server's event loop only.
 */
public final class RuleChangeGate {
    /** Changes that may wait for the one in progress. */
    public static final int MAX_WAITING = 256;

    private final ArrayDeque<Supplier<Future<?>>> waiting = new ArrayDeque<>();
    private boolean changing;

    /**
     * Runs {@code change} now or after the changes before it; it returns the future of its last step, or null when
     * it finished at once. False, running nothing, when {@link #MAX_WAITING} changes already wait.
     */
    public boolean run(Supplier<Future<?>> change) {
        if (changing) {
            if (waiting.size() >= MAX_WAITING) {
                return false;
            }
            waiting.add(change);
            return true;
        }
        start(change);
        return true;
    }

    private void start(Supplier<Future<?>> change) {
        changing = true;
        Future<?> done;
        try {
            done = change.get();
        } catch (RuntimeException bug) {
            next();
            throw bug;
        }
        if (done == null) {
            next();
        } else {
            done.onComplete(ignored -> next());
        }
    }

    private void next() {
        Supplier<Future<?>> change = waiting.poll();
        if (change == null) {
            changing = false;
        } else {
            start(change);
        }
    }
}
