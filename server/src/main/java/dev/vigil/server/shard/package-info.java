/**
 * Stage 4, the shards: each {@link dev.vigil.server.shard.Shard} is a thread that owns one engine, holding the
 * per-key state of its slice of the keys, fed through a bounded queue of
 * {@link dev.vigil.server.shard.ShardCommand}s (batches, rule changes, checkpoint barriers) and handing its alerts to
 * an {@link dev.vigil.server.shard.AlertSink}. At a barrier it writes its engine state
 * ({@link dev.vigil.server.shard.ShardSnapshot}) for the checkpoint. Questions about its keys
 * ({@link dev.vigil.server.shard.ShardQuery}: a key's partial matches, an explanation, the partial matches per state)
 * come through a second bounded queue ({@link dev.vigil.server.shard.Shard#ask}) and are answered between commands.
 *
 * <p><b>Threads:</b> one per shard, the only thread that touches its engine.
 */
package dev.vigil.server.shard;
