/**
 * Stage 1, the sources: where events come in. {@link dev.vigil.server.source.EventConnection} (the {@code /v1/events}
 * WebSocket, one per connection) and {@link dev.vigil.server.source.EventsApi} ({@code POST /v1/events}) decode
 * batches on the Vert.x event loop ({@link dev.vigil.server.source.EventFrame}), offer each to the sequencer, and
 * answer when the batch is as durable as the acknowledgement policy asks ({@link dev.vigil.server.source.PendingAcks}).
 * A busy sequencer pauses the socket or answers 503; nothing accepted is lost.
 *
 * <p><b>Threads:</b> the event loop only; no blocking, no disk.
 */
package dev.vigil.server.source;
