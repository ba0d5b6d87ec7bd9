package dev.vigil.server.source;

import dev.vigil.nfa.EventDecoder;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.Utf8;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One client of the {@code /v1/events} WebSocket: turns each message it sends into one batch for the
 * sequencer and answers it with one acknowledgement,
 * {@code {"ack": n, "accepted": k, "late": l, "unrouted": u, "unroutedStreams": [...], "refused": r, "errors":
 * [{"index": i, "error": "..."}]}}, where {@code n} numbers the client's messages from 1, {@code l} counts the
 * accepted events that were late (at or below their stream's watermark: counted, never matched), {@code u} those of
 * streams no rule reads (counted, never matched; the first stream names listed), and {@code r} the refused
 * elements, of which {@code errors} lists the first {@link EventFrame#MAX_LISTED_ERRORS}. A named batch's
 * acknowledgement also says {@code "batch": "<producer>:<sequence>", "duplicate": d}: {@code d} is true when the
 * server had taken that batch (or a later one of the producer) before and did not take it again; {@code accepted}
 * then counts the elements it would have taken, {@code late} and {@code unrouted} are 0.
 *
 * <p>Design. A message is read frame by frame (a message may be fragmented), its size checked as it grows, so a
 * client can never make the server hold more than {@code frameLimitBytes} of one message. The message is
 * decoded strictly as UTF-8, split by {@link EventFrame}, and offered to the sequencer's bounded queue without
 * blocking. A message of many lines is read on a worker while the connection stops reading, since thousands of
 * refused lines cost milliseconds; a small one on the event loop. Once a batch is queued the connection reads on:
 * the sequencer keeps one source's batches in order and answers each in turn, so several messages may be on their
 * way at once (at most {@link #MAX_WAITING_FOR_FLUSH}). When the queue is full the connection stops reading
 * ({@code pause()}): the operating system's socket buffer then fills and TCP slows the client down. A timer on the
 * event loop offers the same batch again shortly ({@link Source#retryMs}); once it is queued reading resumes. So an
 * acknowledged element is queued exactly once, none is dropped, the event loop never blocks, and each connection
 * holds at most one batch that is not queued. Reading also stops while the client does not read its
 * acknowledgements (the socket's write queue is full), so acknowledgements cannot pile up either.
 *
 * <p>A message is only acknowledged once it is queued and in the ingest log (flushed to disk first when the
 * acknowledgement policy says so): a client may forget everything up to the last {@code ack} it received, and
 * resend what follows after a disconnect. Acknowledgements go out in the order of the messages, also when some wait
 * for a flush and later ones (empty, refused) need none ({@link PendingAcks}). When the ingest log cannot take a
 * message (a failed write, a data folder below its free-space reserve) its acknowledgement says {@code "accepted":
 * 0} with an error for the whole message; nothing of it was ingested, so the client sends it again later.
 *
 * <p>The connection is one {@link Source}, also of event time ({@link dev.vigil.server.sequencer.WatermarkTracker}); closing it
 * releases the streams it held back.
 *
 * <p><b>Not thread-safe:</b> runs on the server's event loop.
 */
public final class EventConnection {
    /** WebSocket close code 1009, for a frame over the size limit. */
    static final short MESSAGE_TOO_BIG = 1009;
    /** Acknowledgements one connection may have waiting for the ingest log's flush before it stops reading. */
    static final int MAX_WAITING_FOR_FLUSH = 256;
    /** Messages with more lines than this are read on a worker ({@link #manyLines}). */
    static final int MAX_LINES_ON_EVENT_LOOP = 64;
    /** Messages larger than this are read on a worker ({@link #manyLines}). */
    static final int MAX_BYTES_ON_EVENT_LOOP = 16 * 1024;
    /** A close reason is at most 123 bytes; ASCII reasons are cut at that many characters. */
    private static final int MAX_REASON_CHARS = 120;

    private final Vertx vertx;
    private final ServerWebSocket socket;
    private final RuleRegistry registry;
    private final Source source;
    private final int frameLimitBytes;

    private long messages;
    /** The text fragments of the message being received; null between messages or when it is discarded. */
    private Buffer message;
    /** Why the message being received is refused (binary, too large); null when it is not. */
    private String refusal;
    private List<InputLine> pending;
    /** The id of the batch that waits to be offered again, or null. */
    private BatchId pendingName;
    /** True while a worker reads the last message: reading stops meanwhile, so messages are answered in order. */
    private boolean parsing;
    private JsonObject pendingAck;
    private boolean waitingForClient;
    /** Reading stops while this many acknowledgements wait for a flush, so they cannot pile up. */
    private boolean waitingForFlush;
    private final PendingAcks acks = new PendingAcks(this::acknowledge);
    private boolean closed;
    private final IntConsumer malformedElements;
    private final int maxEventsPerBatch;

    EventConnection(Vertx vertx, ServerWebSocket socket, RuleRegistry registry, Source source, int frameLimitBytes,
            IntConsumer malformedElements, int maxEventsPerBatch) {
        this.maxEventsPerBatch = maxEventsPerBatch;
        this.malformedElements = malformedElements;
        this.vertx = vertx;
        this.socket = socket;
        this.registry = registry;
        this.source = source;
        this.frameLimitBytes = frameLimitBytes;
    }

    void start() {
        socket.frameHandler(this::onFrame);
        socket.closeHandler(ignored -> onClose());
        socket.exceptionHandler(this::onError);
    }

    /**
     * A frame the decoder refuses (one frame over the limit, refused before it is read into memory; a protocol
     * violation) ends the connection; the client is told why with the close code the decoder chose (1009 message
     * too big, 1002 protocol error...) instead of a bare disconnect.
     */
    private void onError(Throwable error) {
        if (!closed && error instanceof CorruptedWebSocketFrameException corrupted) {
            short code = (short) corrupted.closeStatus().code();
            String reason = code == MESSAGE_TOO_BIG ? "frame exceeds the limit of " + frameLimitBytes + " bytes"
                    : String.valueOf(corrupted.getMessage());
            socket.close(code, reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason);
        }
        onClose();
    }

    private void onClose() {
        if (!closed) {
            closed = true;
            source.close();
        }
    }

    private void onFrame(WebSocketFrame frame) {
        if (pending != null || parsing) {
            throw new IllegalStateException("frame delivered while the connection waits for the shards or a worker");
        }
        if (frame.isText() || frame.isBinary()) {
            message = frame.isText() ? Buffer.buffer() : null;
            refusal = frame.isBinary() ? "binary frames are not accepted: send events as JSON text" : null;
        } else if (!frame.isContinuation()) {
            return;   // ping, pong and close are answered by Vert.x
        }
        Buffer data = frame.binaryData();
        if (message != null) {
            if (message.length() + data.length() > frameLimitBytes) {
                message = null;
                refusal = "message exceeds the limit of " + frameLimitBytes + " bytes";
            } else {
                message.appendBuffer(data);
            }
        }
        if (frame.isFinal()) {
            onMessage();
        }
    }

    private void onMessage() {
        long number = ++messages;
        Buffer bytes = message;
        String refused = refusal;
        message = null;
        refusal = null;
        if (refused != null) {
            onParsed(number, EventFrame.refused(refused));
            return;
        }
        EventDecoder decoder = registry.decoder();
        if (!manyLines(bytes)) {
            onParsed(number, decode(bytes, decoder));
            return;
        }
        parsing = true;
        socket.pause();
        vertx.executeBlocking(() -> decode(bytes, decoder), false).onComplete(parsed -> {
            parsing = false;
            if (closed) {
                return;   // never acknowledged, so the client still holds these events
            }
            onParsed(number, parsed.succeeded() ? parsed.result()   // a failure is a bug: the decoder throws nothing
                    : EventFrame.refused("the server could not read the message; nothing of it was ingested"));
            resumeIfFree();
        });
    }

    /**
     * Whether reading the message may take long enough to hold the event loop up: more than
     * {@link #MAX_LINES_ON_EVENT_LOOP} lines or {@link #MAX_BYTES_ON_EVENT_LOOP} bytes. A refused line costs
     * microseconds (a parse error is an exception), so a message of thousands of tiny broken lines is read on a
     * worker; one event per message, the common case, is read at once.
     */
    private static boolean manyLines(Buffer bytes) {
        if (bytes.length() > MAX_BYTES_ON_EVENT_LOOP) {
            return true;
        }
        int lines = 1;
        for (int i = 0; i < bytes.length(); i++) {
            if (bytes.getByte(i) == '\n' && ++lines > MAX_LINES_ON_EVENT_LOOP) {
                return true;
            }
        }
        return false;
    }

    /** Acknowledges a read message at once (nothing to ingest, refused) or offers its batch to the shards. */
    private void onParsed(long number, EventFrame parsed) {
        EventFrame frame = parsed;
        if (frame.batch().size() > maxEventsPerBatch) {
            frame = EventFrame.refused("message holds " + frame.batch().size() + " events and watermarks; the limit "
                    + "(maxEventsPerBatch) is " + maxEventsPerBatch);
        }
        JsonArray errors = new JsonArray();
        int wholeMessage = 0;
        for (EventFrame.ElementError error : frame.errors()) {
            JsonObject json = new JsonObject();
            if (error.index() >= 0) {
                json.put("index", error.index());
            } else {
                wholeMessage++;
            }
            errors.add(json.put("error", error.error()));
        }
        if (frame.refused() + wholeMessage > 0) {
            malformedElements.accept(frame.refused() + wholeMessage);
        }
        JsonObject ack = new JsonObject().put("ack", number).put("accepted", frame.batch().size()).put("late", 0)
                .put("unrouted", 0).put("unroutedStreams", new JsonArray()).put("refused", frame.refused())
                .put("errors", errors);
        if (frame.name() != null) {
            ack.put("batch", frame.name().toString()).put("duplicate", false);
        }
        if (frame.batch().isEmpty()) {
            acks.ready(ack);
            return;
        }
        Ingest.Result busy = offer(frame.name(), frame.batch(), ack);
        if (busy == null) {
            return;
        }
        pending = frame.batch();
        pendingName = frame.name();
        pendingAck = ack;
        socket.pause();
        vertx.setTimer(Source.retryMs(busy), ignored -> retry());
    }

    /**
     * Offers {@code batch} to the sequencer; null when it was queued (its acknowledgement then waits, in message
     * order, for the answer), else the busy result that says why not (nothing queued).
     */
    private Ingest.Result offer(BatchId name, List<InputLine> batch, JsonObject ack) {
        PendingAcks.Entry[] entry = new PendingAcks.Entry[1];
        Ingest.Result busy = source.offer(name, batch, outcome -> onAnswered(entry[0], outcome));
        if (busy != null) {
            return busy;
        }
        entry[0] = acks.waiting(ack);   // before the answer: it comes on this event loop, after this turn
        if (acks.waitingCount() >= MAX_WAITING_FOR_FLUSH && !waitingForFlush) {
            waitingForFlush = true;
            socket.pause();
        }
        return null;
    }

    /**
     * The batch was accepted (it is as durable as the acknowledgement policy asks) or refused (the ingest log could
     * not write it, or its flush failed): a refused message is not acknowledged, its error says why. Acknowledgements
     * go out in the order of the messages.
     */
    private void onAnswered(PendingAcks.Entry entry, Source.Outcome outcome) {
        if (outcome.refused() != null) {
            entry.ack().getJsonArray("errors").add(new JsonObject().put("error", outcome.refused()));
            entry.ack().put("accepted", 0);
        } else if (outcome.duplicate()) {
            entry.ack().put("duplicate", true);
        } else {
            entry.ack().put("late", outcome.late()).put("unrouted", outcome.unrouted())
                    .put("unroutedStreams", new JsonArray(outcome.unroutedStreams()));
        }
        acks.done(entry);
        if (waitingForFlush && acks.waitingCount() < MAX_WAITING_FOR_FLUSH) {
            waitingForFlush = false;
            resumeIfFree();
        }
    }

    /** The message as UTF-8 text, split and classified; on the event loop or a worker. */
    private static EventFrame decode(Buffer bytes, EventDecoder decoder) {
        byte[] raw = bytes.getBytes();
        Utf8.Malformed malformed = Utf8.firstMalformed(raw, 0, raw.length);
        if (malformed != null) {
            String compressed = Utf8.compression(raw, 0, raw.length);
            return EventFrame.refused(compressed != null ? "text message looks " + compressed + "-compressed (it "
                    + "starts with the bytes of that format): send the events as uncompressed JSON text"
                    : "text message is not valid UTF-8: " + malformed.describe("message"));
        }
        return EventFrame.parse(new String(raw, StandardCharsets.UTF_8), decoder);
    }

    private void retry() {
        if (closed) {
            pending = null;   // never acknowledged, so the client still holds these events
            return;
        }
        Ingest.Result busy = offer(pendingName, pending, pendingAck);
        if (busy != null) {
            vertx.setTimer(Source.retryMs(busy), ignored -> retry());
            return;
        }
        pending = null;
        pendingName = null;
        pendingAck = null;
        resumeIfFree();
    }

    private void acknowledge(JsonObject ack) {
        if (closed) {
            return;
        }
        socket.writeTextMessage(ack.encode());
        if (socket.writeQueueFull()) {
            waitingForClient = true;
            socket.pause();
            socket.drainHandler(ignored -> {
                waitingForClient = false;
                resumeIfFree();
            });
        }
    }

    private void resumeIfFree() {
        if (!closed && pending == null && !parsing && !waitingForClient && !waitingForFlush) {
            socket.resume();
        }
    }
}
