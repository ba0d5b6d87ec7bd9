package dev.vigil.server.durable;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.nfa.Event;
import dev.vigil.server.ingest.IngestLog;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The ingest log on a Chronicle Queue: one excerpt per accepted batch, written to memory-mapped files before the
 * batch is acknowledged, so a batch survives the server process being killed (not a power cut: the operating
 * system writes the pages back). The position of a batch is its excerpt index: increasing, not contiguous.
 *
 * <p>An excerpt holds the source's name and the lines in order: an event as stream, timestamp, sequence and its
 * fields as JSON text; a watermark as stream (or none) and timestamp. {@link Reader} reads them back.
 *
 * <p><b>Not thread-safe:</b> appends come one at a time under the ingest's lock; a reader belongs to one thread.
 */
public final class ChronicleIngestLog implements IngestLog, AutoCloseable {
    private static final byte EVENT = 1;
    private static final byte WATERMARK = 2;
    private static final byte ALL_STREAMS = 0;
    private static final byte ONE_STREAM = 1;

    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private long lastPosition;

    /** A batch read back from the log. */
    public record Batch(long position, String source, List<InputLine> lines) {}

    private ChronicleIngestLog(ChronicleQueue queue) {
        this.queue = queue;
        this.appender = queue.createAppender();
        long last = queue.lastIndex();
        this.lastPosition = last < 0 ? 0 : last;
    }

    /** Opens (or creates) the log in {@code folder}. */
    public static ChronicleIngestLog open(Path folder) {
        ChronicleSetup.apply();
        return new ChronicleIngestLog(ChronicleQueue.singleBuilder(folder.toFile()).build());
    }

    @Override
    public long append(String source, List<InputLine> batch) {
        try (DocumentContext document = appender.writingDocument()) {
            Bytes<?> bytes = document.wire().bytes();
            bytes.writeUtf8(source);
            bytes.writeInt(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                InputLine line = batch.get(i);
                if (line instanceof InputLine.EventLine eventLine) {
                    Event event = eventLine.event();
                    bytes.writeByte(EVENT);
                    bytes.writeUtf8(event.stream());
                    bytes.writeLong(event.timestamp());
                    bytes.writeLong(event.sequence());
                    bytes.writeUtf8(JsonCodec.value(event.fields()));
                } else if (line instanceof InputLine.WatermarkLine watermark) {
                    bytes.writeByte(WATERMARK);
                    bytes.writeByte(watermark.stream() == null ? ALL_STREAMS : ONE_STREAM);
                    if (watermark.stream() != null) {
                        bytes.writeUtf8(watermark.stream());
                    }
                    bytes.writeLong(watermark.timestamp());
                } else {
                    throw new IllegalArgumentException("the ingest log holds events and watermarks, not " + line);
                }
            }
        }
        lastPosition = appender.lastIndexAppended();
        return lastPosition;
    }

    @Override
    public long lastPosition() {
        return lastPosition;
    }

    /** A reader of the batches after {@code position} (0: from the first), in order. */
    public Reader readAfter(long position) {
        ExcerptTailer tailer = queue.createTailer();
        if (position > 0 && !tailer.moveToIndex(position + 1)) {
            tailer.moveToIndex(position);
            try (DocumentContext skipped = tailer.readingDocument()) {
                // positioned on the batch at `position` itself: read past it
            }
        }
        return new Reader(tailer);
    }

    @Override
    public void close() {
        appender.close();
        queue.close();
    }

    /** Reads batches in log order. */
    public static final class Reader {
        private final ExcerptTailer tailer;

        private Reader(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /** The next batch, or {@code null} at the end of the log. */
        public Batch next() {
            try (DocumentContext document = tailer.readingDocument()) {
                if (!document.isPresent()) {
                    return null;
                }
                Bytes<?> bytes = document.wire().bytes();
                String source = bytes.readUtf8();
                int count = bytes.readInt();
                List<InputLine> lines = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    lines.add(readLine(bytes));
                }
                return new Batch(document.index(), source, lines);
            }
        }

        @SuppressWarnings("unchecked")
        private static InputLine readLine(Bytes<?> bytes) {
            byte kind = bytes.readByte();
            if (kind == EVENT) {
                String stream = bytes.readUtf8();
                long timestamp = bytes.readLong();
                long sequence = bytes.readLong();
                String fields = bytes.readUtf8();
                try {
                    return new InputLine.EventLine(new Event(stream, timestamp, sequence,
                            (Map<String, Object>) JsonCodec.parse(fields)));
                } catch (JsonProcessingException corrupt) {
                    throw new IllegalStateException("ingest log: unreadable event fields: " + corrupt.getMessage(),
                            corrupt);
                }
            }
            if (kind == WATERMARK) {
                String stream = bytes.readByte() == ONE_STREAM ? bytes.readUtf8() : null;
                return new InputLine.WatermarkLine(stream, bytes.readLong());
            }
            throw new IllegalStateException("ingest log: unknown line kind " + kind);
        }
    }
}
