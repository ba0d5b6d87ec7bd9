package dev.vigil.server.shard;

import dev.vigil.nfa.Engine;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A shard's part of one checkpoint while the shard writes it: the engine's snapshot is started at the barrier
 * (stream clocks, counters and the list of keys are taken then; a key about to change is copied first) and its
 * keys are written in short slices between command batches, so the shard never stops handling events for the
 * whole state. Remembers the longest single stop (the start or a slice): the pause the checkpoint cost.
 *
 * <p><b>Not thread-safe:</b> used by the shard's thread only.
 */
public final class ShardSnapshot {
    /** Keys written between two looks at the clock. */
    private static final int KEYS_PER_STEP = 256;

    private final Engine engine;
    private final ShardCommand.Checkpoint checkpoint;
    private final ChunkedBytes bytes = new ChunkedBytes();
    private long longestPauseNanos;

    private ShardSnapshot(Engine engine, ShardCommand.Checkpoint checkpoint) {
        this.engine = engine;
        this.checkpoint = checkpoint;
    }

    /**
     * Starts the engine's snapshot for {@code checkpoint}; the engine must not be writing another. With key state in
     * RocksDB and a folder for stores in the checkpoint, RocksDB writes its own checkpoint into
     * {@code <stores>/shard-<shard>} now (its table files hard-linked) and the snapshot holds no key.
     */
    static ShardSnapshot start(Engine engine, ShardCommand.Checkpoint checkpoint, int shard) throws IOException {
        long started = System.nanoTime();
        ShardSnapshot snapshot = new ShardSnapshot(engine, checkpoint);
        Path store = checkpoint.stores() != null && engine.keysInStore()
                ? checkpoint.stores().resolve("shard-" + shard) : null;
        engine.startSnapshot(new DataOutputStream(snapshot.bytes), store);
        snapshot.paused(System.nanoTime() - started);
        return snapshot;
    }

    ShardCommand.Checkpoint checkpoint() {
        return checkpoint;
    }

    /** Writes keys for about {@code budgetNanos}; true once the snapshot is complete. */
    boolean writeFor(long budgetNanos) throws IOException {
        long started = System.nanoTime();
        boolean done;
        do {
            done = engine.continueSnapshot(KEYS_PER_STEP);
        } while (!done && System.nanoTime() - started < budgetNanos);
        paused(System.nanoTime() - started);
        return done;
    }

    /** The state written; once {@link #writeFor} has returned true. */
    ShardState state() {
        return new ShardState(bytes, longestPauseNanos);
    }

    private void paused(long nanos) {
        longestPauseNanos = Math.max(longestPauseNanos, nanos);
    }
}
