package dev.vigil.server.checkpoint;


/**
 * Where a restarting server starts from: a checkpoint (or savepoint) and its rules compiled again. The shards'
 * engines and the ingest door are restored from it; the ingest log is replayed after its position.
 */
public record Restart(Checkpoint checkpoint, LoggedRules rules) {}
