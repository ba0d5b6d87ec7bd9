/**
 * Stage 2, the sequencer: the one door into the shards. {@link dev.vigil.server.sequencer.Ingest} numbers every event
 * in one total order, decides lateness from every source time ({@link dev.vigil.server.sequencer.WatermarkTracker}),
 * appends the batch to the ingest log, routes events to the shards owning their keys
 * ({@link dev.vigil.server.sequencer.Routing}) and sends the stream watermarks; rule changes, checkpoint barriers and
 * recovery pass the same door, so every shard sees them between the same two events. The memory guard
 * ({@link dev.vigil.server.sequencer.MemoryGuard}) pauses it while the heap is nearly full.
 *
 * <p><b>Threads:</b> callers on the event loop, the rules reloader, the checkpointer and recovery, one at a time
 * (a lock per batch, never per event).
 */
package dev.vigil.server.sequencer;
