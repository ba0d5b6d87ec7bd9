package dev.vigil.server.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.nfa.Event;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest log on a Chronicle Queue: one excerpt per accepted batch, written to memory-mapped files before the
 * batch is acknowledged, so a batch survives the server process being killed (not a power cut: the operating
 * system writes the pages back). The position of a batch is its excerpt index: increasing, not contiguous.
 *
 * <p>An excerpt starts with its kind. A batch holds the source's name (a named batch then its producer and
 * sequence) and the lines in order: an event as stream, timestamp, sequence (then its identity, when it differs
 * from the sequence: a line kind of its own) and its fields as JSON text; a watermark as stream (or none) and
 * timestamp. Logs written before batches were named and events had identities hold neither kind and read as
 * before (unnamed batches, identity = sequence). A deployment
 * holds the origin, the rule text, the versions by rule name and the time; a removal the rule's name and the time
 * (logs written before removals kept their time end after the name: read as 0); a repair
 * ({@link #repair}) how many event numbers to skip and what it dropped. {@link Reader} reads them back.
 *
 * <p>A record is encoded on the heap first; its disk space is then allocated ({@link LogSpace}: a full disk is a
 * refused write, never a fault in a mapped page), and only then is it copied into the file. A write that fails
 * (no space, I/O error, closed queue) leaves nothing in the log and is thrown as an {@link IngestLogException}. With {@link AckAfter#FLUSH} a {@link GroupCommit} thread forces the file to disk
 * before batches are acknowledged; a {@link DiskReserve} refuses batches while the disk is nearly full.
 *
 * <p><b>Not thread-safe:</b> appends come one at a time under the ingest's lock; a reader belongs to one thread.
 * {@link #refusal} and {@link #whenDurable} are thread-safe.
 */
public final class ChronicleIngestLog implements IngestLog, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleIngestLog.class);

    private static final byte BATCH = 1;
    private static final byte DEPLOY = 2;
    private static final byte UNDEPLOY = 3;
    private static final byte REPAIRED = 4;
    private static final byte NAMED_BATCH = 5;
    private static final byte EVENT = 1;
    private static final byte WATERMARK = 2;
    private static final byte NAMED_EVENT = 3;
    private static final byte ALL_STREAMS = 0;
    private static final byte ONE_STREAM = 1;

    /**
     * One file per hour: the unit in which the log's old part is deleted ({@link LogRetention}). A data folder made
     * with another roll cycle keeps its own (Chronicle reads it from the queue's metadata).
     */
    static final RollCycle ROLL_CYCLE = RollCycles.FAST_HOURLY;

    /** The log's folder in the data folder. */
    public static final String FOLDER = "ingest";

    /**
     * The event numbers a repair skips, so the alerts of events accepted after the repair never take the ids of the
     * dropped events' alerts, which the alert log already holds: more than the dropped part of a log can have used
     * unless it held over 25 TiB (every event takes at least 25 bytes in the log).
     */
    public static final long REPAIR_SKIPPED_NUMBERS = 1L << 40;

    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private LogRetention retention = new LogRetention(0, 0);
    private final GroupCommit flusher;
    private final DiskReserve reserve;
    private final PageToucher toucher;
    private final LogSpace space = new LogSpace("ingest log");
    /** A record is encoded here first: its exact length is then known before any byte goes to the mapped file. */
    private final Bytes<?> scratch = Bytes.allocateElasticOnHeap(64 << 10);
    private final WriteTimes writeTimes = new WriteTimes();
    private long lastPosition;
    private File writing;
    private volatile boolean closed;

    private ChronicleIngestLog(ChronicleQueue queue, AckAfter ackAfter, DiskReserve reserve) {
        this.queue = queue;
        this.appender = queue.createAppender();
        // opened on a worker, then used by whichever thread holds the ingest lock: the lock makes it one at a time
        this.appender.singleThreadedCheckDisabled(true);
        this.scratch.singleThreadedCheckDisabled(true);
        long last = queue.lastIndex();
        this.lastPosition = last < 0 ? 0 : last;
        this.flusher = ackAfter == AckAfter.FLUSH ? new GroupCommit("vigil-ingest-flush") : null;
        this.reserve = reserve;
        this.toucher = PageToucher.ENABLED ? new PageToucher("vigil-ingest-pretouch", space) : null;
        space.allocateWhole(new File(queue.file(), "metadata.cq4t"));
    }

    /** Opens (or creates) the log in {@code folder}; batches are acknowledged once written, and never refused. */
    public static ChronicleIngestLog open(Path folder) {
        return open(folder, AckAfter.WRITE, null);
    }

    /**
     * Opens (or creates) the log in {@code folder}, acknowledging batches {@code ackAfter} the write or the flush,
     * and refusing them while {@code reserve} (owned by the log from now on; {@code null} for none) says the disk
     * is nearly full; trouble of its background threads is logged.
     */
    public static ChronicleIngestLog open(Path folder, AckAfter ackAfter, DiskReserve reserve) {
        return new ChronicleIngestLog(ChronicleSetup.writable(folder).rollCycle(ROLL_CYCLE).build(),
                ackAfter, reserve);
    }

    /** A log whose files roll by {@code clock}'s time, for tests of retention. */
    static ChronicleIngestLog open(Path folder, TimeProvider clock) {
        return new ChronicleIngestLog(ChronicleSetup.writable(folder).rollCycle(ROLL_CYCLE).timeProvider(clock).build(),
                AckAfter.WRITE, null);
    }

    /** Deletes old files by {@code policy} from now on ({@link #retain}); by default everything is kept. */
    public ChronicleIngestLog retainWith(LogRetention policy) {
        this.retention = policy;
        return this;
    }

    /**
     * Deletes the files the retention policy lets go, keeping everything a recovery from the checkpoint at
     * {@code neededPosition} replays (0: no checkpoint yet, so nothing goes); returns the files deleted.
     */
    @Override
    public List<Path> retain(long neededPosition, long nowMs) {
        if (neededPosition <= 0 || closed) {
            return List.of();
        }
        RollCycle rollCycle = queue.rollCycle();
        List<Path> deleted = new ArrayList<>();
        try {
            for (Path file : retention.expired(queue.file().toPath(), rollCycle, rollCycle.toCycle(neededPosition),
                    rollCycle.toCycle(queue.lastIndex()), nowMs)) {
                if (java.nio.file.Files.deleteIfExists(file)) {
                    deleted.add(file);
                }
            }
        } catch (java.io.IOException failed) {
            throw new IngestLogException("ingest log retention failed: " + failed.getMessage());
        }
        if (!deleted.isEmpty() && queue instanceof net.openhft.chronicle.queue.impl.single.SingleChronicleQueue single) {
            single.refreshDirectoryListing();   // readers must not look for the deleted cycles
        }
        return deleted;
    }

    @Override
    public long append(String source, BatchId name, List<InputLine> batch) {
        checkWritable();
        long startNanos = System.nanoTime();
        Bytes<?> record = record(name == null ? BATCH : NAMED_BATCH);
        Texts.write(record, source);
        if (name != null) {
            Texts.write(record, name.producer());
            record.writeLong(name.sequence());
        }
        record.writeInt(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            writeLine(record, batch.get(i));
        }
        long end = write(record);
        writeTimes.add(System.nanoTime() - startNanos);
        if (flusher != null || toucher != null) {
            File file = appender.currentFile();
            if (flusher != null && file != writing) {
                flusher.writingTo(file);
            }
            writing = file;
            if (toucher != null) {
                toucher.wrote(file, end);
            }
        }
        return lastPosition;
    }

    private void checkWritable() {
        if (closed) {
            throw new IngestLogException("ingest log write failed: the log is closed (the server is stopping)");
        }
        String failure = flusher == null ? null : flusher.failure();
        if (failure != null) {
            throw new IngestLogException(failure);
        }
    }

    /** The reused buffer a record is encoded in before it is written, holding its kind. */
    private Bytes<?> record(byte kind) {
        scratch.clear();
        scratch.writeByte(kind);
        return scratch;
    }

    /**
     * Writes the encoded {@code record} as the log's next excerpt once its disk space is allocated
     * ({@link LogSpace}), and returns the file offset after it; throws with nothing written when the space cannot
     * be had or the write fails.
     */
    private long write(Bytes<?> record) {
        try {
            space.ensure(appender, record.readRemaining());
        } catch (java.io.IOException full) {
            throw new IngestLogException(full.getMessage() + "; nothing of the write was logged", full);
        }
        long end;
        try {
            DocumentContext document = appender.writingDocument();
            try {
                Bytes<?> bytes = document.wire().bytes();
                bytes.write(record);
                end = bytes.writePosition();
            } catch (RuntimeException | InternalError partly) {
                document.rollbackOnClose();   // no half record in the log
                throw partly;
            } finally {
                document.close();
            }
        } catch (RuntimeException | InternalError failed) {
            throw new IngestLogException("ingest log write failed: " + (failed.getMessage() != null
                    ? failed.getMessage() : failed.getClass().getSimpleName()), failed);
        }
        lastPosition = appender.lastIndexAppended();
        return end;
    }

    /**
     * Makes sure a record of up to {@code bytes} can be written next (its disk space allocated), or throws with
     * the reason; the ingest calls it before a rule change alters anything, so a change the log cannot take is
     * refused whole.
     */
    @Override
    public void makeRoom(long bytes) {
        checkWritable();
        try {
            space.ensure(appender, bytes);
        } catch (java.io.IOException full) {
            throw new IngestLogException(full.getMessage(), full);
        }
    }

    @Override
    public String refusal() {
        String failure = flusher == null ? null : flusher.failure();
        if (failure != null) {
            return failure;
        }
        if (!space.retry()) {
            return space.failure() + "; ingestion paused until space returns";
        }
        return reserve == null ? null : reserve.refusal();
    }

    @Override
    public void whenDurable(long position, Durable then) {
        if (flusher == null) {
            then.done(null);
        } else {
            flusher.whenFlushed(then);
        }
    }

    @Override
    public long appendDeploy(String origin, String text, Map<String, Integer> versions, long deployedAtMs,
            List<InputLine.WatermarkLine> watermarks) {
        checkWritable();
        Bytes<?> record = record(DEPLOY);
        Texts.write(record, origin);
        Texts.write(record, text);
        record.writeLong(deployedAtMs);
        record.writeInt(versions.size());
        for (Map.Entry<String, Integer> version : versions.entrySet()) {
            Texts.write(record, version.getKey());
            record.writeInt(version.getValue());
        }
        record.writeInt(watermarks.size());
        for (InputLine.WatermarkLine watermark : watermarks) {
            writeLine(record, watermark);
        }
        write(record);
        return lastPosition;
    }

    @Override
    public long appendUndeploy(String name) {
        return appendUndeploy(name, 0);
    }

    @Override
    public long appendUndeploy(String name, long undeployedAtMs) {
        checkWritable();
        Bytes<?> record = record(UNDEPLOY);
        Texts.write(record, name);
        record.writeLong(undeployedAtMs);   // read back as 0 from records written before the log kept it
        write(record);
        return lastPosition;
    }

    private static void writeLine(Bytes<?> bytes, InputLine line) {
        if (line instanceof InputLine.EventLine eventLine) {
            Event event = eventLine.event();
            boolean named = event.identity() != event.sequence();
            bytes.writeByte(named ? NAMED_EVENT : EVENT);
            Texts.write(bytes, event.stream());
            bytes.writeLong(event.timestamp());
            bytes.writeLong(event.sequence());
            if (named) {
                bytes.writeLong(event.identity());
            }
            // the fields are the received object itself: its text, when kept, says the same for less work
            Texts.write(bytes, eventLine.text() != null ? eventLine.text() : JsonCodec.value(event.fields()));
        } else if (line instanceof InputLine.WatermarkLine watermark) {
            bytes.writeByte(WATERMARK);
            bytes.writeByte(watermark.stream() == null ? ALL_STREAMS : ONE_STREAM);
            if (watermark.stream() != null) {
                Texts.write(bytes, watermark.stream());
            }
            bytes.writeLong(watermark.timestamp());
        } else {
            throw new IllegalArgumentException("the ingest log holds events and watermarks, not " + line);
        }
    }

    @Override
    public long lastPosition() {
        return lastPosition;
    }

    /** A reader of the records after {@code position} (0: from the first), in order. */
    @Override
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

    /**
     * Flushes still waited for are done first; then the queue closes, and later appends fail. Says on the server's
     * log how long batch writes took: the time the writing thread (the sequencer) spent in them, and in stalls over 1 ms.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (writeTimes.count > 0) {
            LOG.info("ingest log: {}", writeTimes);
        }
        if (flusher != null) {
            flusher.close();
        }
        if (reserve != null) {
            reserve.close();
        }
        if (toucher != null) {
            toucher.close();
        }
        appender.close();
        queue.close();
        space.close();
    }

    /**
     * What {@link #repair} did: the records kept and the position of the last of them (0: none), and when the log
     * was damaged, what was wrong where, how many readable records followed the damage (dropped with it), and
     * where the damaged log was moved.
     */
    public record Repair(long kept, long lastKept, String damage, long droppedAfter, Path setAside) {}

    /** What must happen before a repaired log replaces the damaged one, given the last kept record's position. */
    @FunctionalInterface
    public interface BeforeReplacing {
        void keptUpTo(long lastKept) throws java.io.IOException;
    }

    /**
     * Rebuilds the ingest log in {@code folder} from its records up to the first one that cannot be read, each at
     * its own index (checkpoints name positions in the log), followed by a repair record: event numbering skips
     * {@link #REPAIR_SKIPPED_NUMBERS} there, as the dropped records had used numbers whose alerts are logged. Runs
     * {@code beforeReplacing} (the caller sets aside the checkpoints the repair makes unsafe), and moves the damaged
     * log to {@code setAside}; a log without damage is left as it is. Not while a server uses the folder.
     *
     * @throws java.io.IOException when the files cannot be moved, a record cannot keep its index, or
     *     {@code beforeReplacing} fails (the damaged log then stays where it is)
     */
    public static Repair repair(Path folder, Path setAside, BeforeReplacing beforeReplacing)
            throws java.io.IOException {
        ChronicleSetup.apply();
        Path rebuilt = folder.resolveSibling(folder.getFileName() + ".repairing");
        deleteTree(rebuilt);
        long kept = 0;
        long lastKept = 0;
        String damage = null;
        long droppedAfter = 0;
        net.openhft.chronicle.core.time.SetTimeProvider clock = new net.openhft.chronicle.core.time.SetTimeProvider();
        try (ChronicleQueue damaged = ChronicleSetup.writable(folder).rollCycle(ROLL_CYCLE).build()) {
            RollCycle cycles = damaged.rollCycle();
            long epoch = damaged instanceof net.openhft.chronicle.queue.impl.single.SingleChronicleQueue single
                    ? single.epoch() : 0;
            try (ChronicleQueue copy = ChronicleQueue.singleBuilder(rebuilt.toFile()).rollCycle(cycles)
                    .epoch(epoch).timeProvider(clock).build()) {
                ExcerptAppender appender = copy.createAppender();
                Reader reader = new Reader(damaged.createTailer());
                Bytes<?> raw = Bytes.allocateElasticOnHeap(64 << 10);
                while (true) {
                    LogRecord record;
                    try {
                        record = reader.copyNext(raw);
                    } catch (DamagedLogException bad) {
                        damage = bad.getMessage().replaceFirst(";.*", "");
                        break;
                    }
                    if (record == null) {
                        break;
                    }
                    // the copy's clock stands at the record's cycle, so the record lands in a file of that cycle
                    clock.currentTimeMillis(cycles.toCycle(record.position()) * (long) cycles.lengthInMillis() + epoch);
                    try (DocumentContext document = appender.writingDocument()) {
                        document.wire().bytes().write(raw);
                    }
                    if (appender.lastIndexAppended() != record.position()) {
                        throw new java.io.IOException("cannot repair " + folder + ": the record at index "
                                + record.position() + " would move to index " + appender.lastIndexAppended()
                                + "; nothing was changed");
                    }
                    kept++;
                    lastKept = record.position();
                }
                if (damage != null) {
                    droppedAfter = reader.skipReadable();
                    if (kept == 0) {
                        clock.currentTimeMillis(System.currentTimeMillis());
                    }
                    appendRepaired(appender, raw, "dropped " + damage.replaceFirst("^ingest log damaged: ", "")
                            + ", and the " + droppedAfter + " readable record(s) after it; the damaged log was "
                            + "moved to " + setAside);
                }
            }
        } catch (java.io.IOException | RuntimeException failed) {
            deleteTree(rebuilt);
            throw failed;
        }
        if (damage == null) {
            deleteTree(rebuilt);
            return new Repair(kept, lastKept, null, 0, null);
        }
        try {
            beforeReplacing.keptUpTo(lastKept);
        } catch (java.io.IOException | RuntimeException failed) {
            deleteTree(rebuilt);
            throw failed;
        }
        java.nio.file.Files.move(folder, setAside);
        java.nio.file.Files.move(rebuilt, folder);
        return new Repair(kept, lastKept, damage, droppedAfter, setAside);
    }

    /** Appends the record of a repair: event numbering skips {@link #REPAIR_SKIPPED_NUMBERS} there. */
    private static void appendRepaired(ExcerptAppender appender, Bytes<?> scratch, String note) {
        scratch.clear();
        scratch.writeByte(REPAIRED);
        scratch.writeLong(REPAIR_SKIPPED_NUMBERS);
        Texts.write(scratch, note);
        try (DocumentContext document = appender.writingDocument()) {
            document.wire().bytes().write(scratch);
        }
    }

    private static void deleteTree(Path tree) throws java.io.IOException {
        if (!java.nio.file.Files.exists(tree)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(tree)) {
            for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                java.nio.file.Files.delete(file);
            }
        }
    }

    /** The time batch writes took; one writer (under the ingest lock), read once at close. */
    private static final class WriteTimes {
        private static final long STALL_NANOS = 1_000_000;
        long count;
        long totalNanos;
        long stalls;
        long stalledNanos;
        long longestNanos;

        void add(long nanos) {
            count++;
            totalNanos += nanos;
            longestNanos = Math.max(longestNanos, nanos);
            if (nanos > STALL_NANOS) {
                stalls++;
                stalledNanos += nanos;
            }
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%,d batches written in %,d ms, %,d ms of it in %,d writes "
                    + "over 1 ms (longest %.1f ms)", count, totalNanos / 1_000_000, stalledNanos / 1_000_000, stalls,
                    longestNanos / 1e6);
        }
    }

    /** Reads records in log order. */
    public static final class Reader implements IngestLog.Reader {
        private final ExcerptTailer tailer;
        private long lastIndex = -1;

        // package-private: IngestLogSnapshot reads a read-only queue of its own through it
        Reader(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /**
         * The next record, or {@code null} at the end of the log.
         *
         * @throws DamagedLogException when the next record cannot be read (naming its file, index and byte)
         */
        @Override
        public LogRecord next() {
            return read(null, false);
        }

        /**
         * The next record that is not an event batch (a rule change, a repair), or {@code null} at the end of the
         * log: batches are passed over without being decoded, so reading a log's rule changes costs little more than
         * reading its headers.
         *
         * @throws DamagedLogException as {@link #next}
         */
        public LogRecord nextRuleChange() {
            return read(null, true);
        }

        /** As {@link #next}, also copying the record's bytes into {@code raw} (cleared first). */
        LogRecord copyNext(Bytes<?> raw) {
            raw.clear();
            return read(raw, false);
        }

        private LogRecord read(Bytes<?> raw, boolean ruleChangesOnly) {
            while (true) {
                long index = -1;
                long byteOffset = -1;
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        return null;
                    }
                    index = document.index();
                    Bytes<?> bytes = document.wire().bytes();
                    byteOffset = bytes.readPosition() - Integer.BYTES;
                    int kind = bytes.peekUnsignedByte();
                    if (ruleChangesOnly && (kind == BATCH || kind == NAMED_BATCH)) {
                        lastIndex = index;
                        continue;
                    }
                    if (raw != null) {
                        raw.write(bytes, bytes.readPosition(), bytes.readRemaining());
                    }
                    LogRecord record = decode(index, bytes);
                    lastIndex = index;
                    return record;
                } catch (RuntimeException damaged) {
                    throw DamagedLogException.at(tailer.currentFile(), index, byteOffset, lastIndex, damaged);
                }
            }
        }

        /** Reads past the records that still have a readable header, counting them; stops at the first that has not. */
        long skipReadable() {
            long count = 0;
            try {
                while (true) {
                    try (DocumentContext document = tailer.readingDocument()) {
                        if (!document.isPresent()) {
                            return count;
                        }
                        count++;
                    }
                }
            } catch (RuntimeException unreadable) {
                return count;
            }
        }

        /** The record at {@code index} from its bytes; throws on bytes that are not a whole record. */
        static LogRecord decode(long index, Bytes<?> bytes) {
            byte kind = bytes.readByte();
            LogRecord record;
            if (kind == BATCH || kind == NAMED_BATCH) {
                String source = Texts.read(bytes);
                BatchId name = kind == NAMED_BATCH ? new BatchId(Texts.read(bytes), bytes.readLong()) : null;
                int count = bytes.readInt();
                checkCount(count, bytes);
                List<InputLine> lines = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    lines.add(readLine(bytes));
                }
                record = new LogRecord.Batch(index, source, name, lines);
            } else if (kind == DEPLOY) {
                String origin = Texts.read(bytes);
                String text = Texts.read(bytes);
                long deployedAtMs = bytes.readLong();
                int count = bytes.readInt();
                checkCount(count, bytes);
                Map<String, Integer> versions = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    versions.put(Texts.read(bytes), bytes.readInt());
                }
                int marks = bytes.readInt();
                checkCount(marks, bytes);
                List<InputLine.WatermarkLine> watermarks = new ArrayList<>(marks);
                for (int i = 0; i < marks; i++) {
                    watermarks.add((InputLine.WatermarkLine) readLine(bytes));
                }
                record = new LogRecord.Deploy(index, origin, text, versions, deployedAtMs, watermarks);
            } else if (kind == UNDEPLOY) {
                String name = Texts.read(bytes);
                record = new LogRecord.Undeploy(index, name, bytes.readRemaining() >= Long.BYTES ? bytes.readLong() : 0);
            } else if (kind == REPAIRED) {
                long skipped = bytes.readLong();
                record = new LogRecord.Repaired(index, skipped, Texts.read(bytes));
            } else {
                throw new IllegalStateException("unknown record kind " + kind);
            }
            if (bytes.readRemaining() != 0) {
                throw new IllegalStateException(bytes.readRemaining() + " bytes after the record's end");
            }
            return record;
        }

        /** A count read from damaged bytes could ask for any amount of memory: it must fit in what is left. */
        private static void checkCount(int count, Bytes<?> bytes) {
            if (count < 0 || count > bytes.readRemaining()) {
                throw new IllegalStateException("impossible count " + count + " with " + bytes.readRemaining()
                        + " bytes left in the record");
            }
        }

        @SuppressWarnings("unchecked")
        private static InputLine readLine(Bytes<?> bytes) {
            byte kind = bytes.readByte();
            if (kind == EVENT || kind == NAMED_EVENT) {
                String stream = Texts.read(bytes);
                long timestamp = bytes.readLong();
                long sequence = bytes.readLong();
                long identity = kind == NAMED_EVENT ? bytes.readLong() : sequence;
                String fields = Texts.read(bytes);
                try {
                    return new InputLine.EventLine(new Event(stream, timestamp, sequence, identity,
                            (Map<String, Object>) JsonCodec.parseEvent(fields)));
                } catch (JsonProcessingException corrupt) {
                    // the message without Jackson's location, which is on a line of its own
                    throw new IllegalStateException("unreadable event fields: " + corrupt.getOriginalMessage(),
                            corrupt);
                }
            }
            if (kind == WATERMARK) {
                String stream = bytes.readByte() == ONE_STREAM ? Texts.read(bytes) : null;
                return new InputLine.WatermarkLine(stream, bytes.readLong());
            }
            throw new IllegalStateException("unknown line kind " + kind);
        }
    }
}
