/**
 * Stage 1, the sources: where events come in. Every producer of events is a {@link dev.vigil.server.source.Source}:
 * it offers batches to the sequencer and gets each answered busy (offer it again), accepted once durable, or
 * refused. {@link dev.vigil.server.source.EventConnection} (the {@code /v1/events} WebSocket, one source per
 * connection) and {@link dev.vigil.server.source.EventsApi} ({@code POST /v1/events}, one source per
 * {@code ?source=} name) decode batches ({@link dev.vigil.server.source.EventFrame}), offer them through their
 * source, and acknowledge what was accepted, in message order ({@link dev.vigil.server.source.PendingAcks}). A busy
 * sequencer pauses the socket or answers 503; nothing accepted is lost.
 *
 * <p><b>Threads:</b> the event loop only; no blocking, no disk.
 */
package dev.vigil.server.source;
