package dev.vigil.server.shard;

/**
 * One shard's part of a checkpoint: its engine's state as {@code Engine.snapshot} writes it (in chunks, which the
 * checkpointer joins on its own thread), and the longest time the shard stopped handling events to write it (the
 * start, or one slice written between two batches: the ingestion pause the checkpoint cost this shard).
 */
public record ShardState(ChunkedBytes state, long pauseNanos) {}
