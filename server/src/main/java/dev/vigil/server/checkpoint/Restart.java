package dev.vigil.server.checkpoint;


import java.nio.file.Path;

/**
 * Where a restarting server starts from: a checkpoint (or savepoint) and its rules compiled again. The shards'
 * engines and the ingest door are restored from it; the ingest log is replayed after its position.
 *
 * @param stores where the checkpoint's RocksDB checkpoints are ({@code shard-N} in it), which shards whose state
 *     names one open their RocksDB state from (a state that holds its keys ignores it); null for a savepoint
 */
public record Restart(Checkpoint checkpoint, LoggedRules rules, Path stores) {
    public Restart(Checkpoint checkpoint, LoggedRules rules) {
        this(checkpoint, rules, null);
    }

    /** Shard {@code shard}'s RocksDB checkpoint, or null when there is none. */
    public Path storeOf(int shard) {
        return stores == null ? null : stores.resolve("shard-" + shard);
    }
}
