package dev.vigil.server.checkpoint;


/**
 * What the checkpointer has done, as one immutable snapshot: counts, the latest checkpoint (or savepoint) taken and
 * what it cost, and the last failure.
 *
 * @param intervalMs the periodic interval (0: savepoints only)
 * @param latest the latest checkpoint or savepoint taken by this process, or null
 * @param durationNanos from the barrier to the file on disk, for {@code latest}
 * @param longestPauseNanos the longest time one shard stopped handling events to write its state, for {@code latest}
 * @param stateBytes the engine state's size over all shards, for {@code latest}
 * @param lastFailure why the last failed checkpoint failed, or null
 * @param currentAtMs the last moment the engine state was known to be all in a checkpoint or savepoint: when
 *     {@code latest} was written, or later, when a periodic checkpoint found nothing changed since the last
 *     checkpoint and was skipped; what the checkpoint age counts from, so an idle server's checkpoint stays fresh
 */
public record CheckpointStats(long intervalMs, long completed, long failed, Checkpoint latest, long durationNanos,
        long longestPauseNanos, long stateBytes, String lastFailure, long currentAtMs) {
    static CheckpointStats none(long intervalMs) {
        return new CheckpointStats(intervalMs, 0, 0, null, 0, 0, 0, null, 0);
    }

    CheckpointStats completed(Checkpoint checkpoint, long durationNanos, long longestPauseNanos) {
        return new CheckpointStats(intervalMs, completed + 1, failed, withoutState(checkpoint), durationNanos,
                longestPauseNanos, checkpoint.stateBytes(), lastFailure, checkpoint.createdAtMs());
    }

    CheckpointStats failed(String reason) {
        return new CheckpointStats(intervalMs, completed, failed + 1, latest, durationNanos, longestPauseNanos,
                stateBytes, reason, currentAtMs);
    }

    /** A periodic checkpoint found nothing changed at {@code nowMs}: the latest still holds the whole state. */
    CheckpointStats stillCurrent(long nowMs) {
        return latest == null ? this : new CheckpointStats(intervalMs, completed, failed, latest, durationNanos,
                longestPauseNanos, stateBytes, lastFailure, Math.max(currentAtMs, nowMs));
    }

    /** The checkpoint's description only: the shards' state stays out of memory once written. */
    private static Checkpoint withoutState(Checkpoint checkpoint) {
        return new Checkpoint(checkpoint.id(), checkpoint.name(), checkpoint.position(), checkpoint.createdAtMs(),
                checkpoint.serverVersion(), checkpoint.sequence(), checkpoint.watermarks(), checkpoint.rules(),
                java.util.List.of(), java.util.List.of());
    }
}
