/**
 * Checkpoints and recovery: the {@link dev.vigil.server.checkpoint.Checkpointer} sends a barrier through the
 * sequencer, collects every shard state taken at it and writes one consistent cut
 * ({@link dev.vigil.server.checkpoint.Checkpoint}, {@link dev.vigil.server.checkpoint.CheckpointFormat}) into the
 * {@link dev.vigil.server.checkpoint.CheckpointStore} (checkpoints and named savepoints); after a restart,
 * {@link dev.vigil.server.checkpoint.Recovery} restores the cut and replays the ingest log after it, so nothing
 * acknowledged is lost and no alert is emitted twice.
 *
 * <p><b>Threads:</b> the checkpoint thread; recovery on a worker before the server listens.
 */
package dev.vigil.server.checkpoint;
