/**
 * Stage 2, the sequencer: the one door into the shards, a single-writer agent. The
 * {@link dev.vigil.server.sequencer.Sequencer} runs on its own thread, drains commands the
 * {@link dev.vigil.server.sequencer.SequencerProxy} puts on a bounded queue (batches, source opens and closes, rule
 * changes, checkpoint barriers, log retention, recovery's replay) and applies them to its state,
 * {@link dev.vigil.server.sequencer.Ingest}: numbering every event in one total order, deciding lateness from every
 * source's time ({@link dev.vigil.server.sequencer.WatermarkTracker}), appending to the ingest log and routing events
 * to the shards owning their keys ({@link dev.vigil.server.sequencer.Routing}). The memory guard
 * ({@link dev.vigil.server.sequencer.MemoryGuard}) makes the proxy refuse batches while the heap is nearly full.
 *
 * <p><b>Threads:</b> {@code vigil-sequencer} owns the state; producers on any thread only enqueue.
 */
package dev.vigil.server.sequencer;
