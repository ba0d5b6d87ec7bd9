package dev.vigil.server.rules;

import dev.vigil.nfa.EventDecoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Where the running {@link RuleSet} is found: one reference, swapped atomically, read by every thread without a
 * lock. Who swaps it: the composition root before the server starts (the rules folder's rules, or a checkpoint's),
 * then only the sequencer ({@link #publish}), at the point of the ingest log where a change takes effect. Changes
 * are asked for one at a time ({@link #change}), each computing its new set from {@link #current}.
 *
 * <p>One listener (the sink router, which opens and closes sinks as rules come and go) is told on its own context
 * after each swap, in the order of the swaps.
 *
 * <p><b>Thread-safe:</b> {@link #current} and {@link #publish} from any thread; {@link #change} on the event loop.
 */
public final class RuleRegistry {
    /** The origin (file name in diagnostics) of rule text received over HTTP. */
    public static final String REQUEST_FILE = "request";

    private volatile RuleSet current;
    private volatile EventDecoder decoder;
    private volatile Runnable changed = () -> { };
    private volatile RuleHistory history;
    private final RuleChangeGate changes = new RuleChangeGate();
    private final SeenStreams seen = new SeenStreams();

    public RuleRegistry() {
        this(RuleSet.empty());
    }

    public RuleRegistry(RuleSet initial) {
        this.current = initial;
        this.decoder = initial.decoder().observedBy(seen);
    }

    /** The rules running now. */
    public RuleSet current() {
        return current;
    }

    /**
     * The decoder of the running set's declarations, which also tells {@link #seen} of every event it decodes: what
     * sources decode events with.
     */
    public EventDecoder decoder() {
        return decoder;
    }

    /** The streams and fields events have had since the server started, learnt by {@link #decoder}. */
    public SeenStreams seen() {
        return seen;
    }

    /** Makes {@code next} the running set and tells the listener; by the sequencer (or before the server starts). */
    public void publish(RuleSet next) {
        publish(next, 0);
    }

    /**
     * As {@link #publish(RuleSet)}, for a change made at {@code changedAtMs} (wall clock, epoch ms; 0: now), which
     * the version history gives the rules it removes.
     */
    public void publish(RuleSet next, long changedAtMs) {
        RuleSet previous = current;
        decoder = next.decoder().observedBy(seen);
        current = next;
        RuleHistory versions = history;
        if (versions != null) {
            versions.offer(previous, next, changedAtMs);
        }
        changed.run();
    }

    /**
     * Notes every change from now on in {@code versions}, seeded with the rules running now ({@code restored}: from
     * a checkpoint or savepoint); once the server has started or recovered, before any change can be asked for.
     */
    public void keepHistory(RuleHistory versions, boolean restored) {
        versions.seed(current, restored);
        history = versions;
    }

    /** The rules' version history, or null before {@link #keepHistory}. */
    public RuleHistory history() {
        return history;
    }

    /**
     * Tells {@code listener}, on {@code context}, after each change; it reads {@link #current} itself, so a change
     * it is told of late, or twice, does no harm.
     */
    public void listen(Context context, Runnable listener) {
        changed = () -> context.runOnContext(ignored -> listener.run());
    }

    /**
     * Runs a rule change ({@link RuleChangeGate}) once the changes before it are done; false, running nothing, when
     * too many wait. Every change to the running rules goes through here.
     */
    public boolean change(Supplier<Future<?>> change) {
        return changes.run(change);
    }
}
