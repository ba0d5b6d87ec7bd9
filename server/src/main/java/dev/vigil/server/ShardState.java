package dev.vigil.server;

/**
 * One shard's part of a checkpoint: its engine's state as {@code Engine.snapshot} wrote it, and how long the shard
 * stopped handling events to write it (the ingestion pause the checkpoint cost this shard).
 */
record ShardState(byte[] state, long pauseNanos) {}
