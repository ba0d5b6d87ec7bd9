package dev.vigil.server.log;

import dev.vigil.nfa.Event;
import dev.vigil.wire.InputLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * The ingest log as it stood when opened, read-only: what a backtest replays. It may be opened beside a server
 * that keeps appending to the same folder (in this process or another: Chronicle Queue readers map the files
 * without taking them over), and its records end at the last one written before {@link #open} returned, so a
 * replay ends even while events keep arriving.
 *
 * <p><b>Not thread-safe:</b> one thread opens it, reads it and closes it.
 */
public final class IngestLogSnapshot implements AutoCloseable {
    private final ChronicleQueue queue;   // null: the folder holds no record yet
    private final long endPosition;

    private IngestLogSnapshot(ChronicleQueue queue, long endPosition) {
        this.queue = queue;
        this.endPosition = endPosition;
    }

    /** Opens the ingest log of the data folder {@code dataDir} (its {@code ingest/}, where the server writes it). */
    public static IngestLogSnapshot ofDataFolder(Path dataDir) throws NoSuchFileException {
        return open(dataDir.resolve(ChronicleIngestLog.FOLDER));
    }

    /**
     * Opens the ingest log in {@code folder} (the data folder's {@code ingest/}) for reading.
     *
     * @throws NoSuchFileException when there is no such folder: no server ever wrote a log there
     */
    public static IngestLogSnapshot open(Path folder) throws NoSuchFileException {
        if (!Files.isDirectory(folder)) {
            throw new NoSuchFileException(folder.toString(), null, "no ingest log");
        }
        if (!holdsQueueFiles(folder)) {
            return new IngestLogSnapshot(null, 0);   // created by a server that has not logged anything yet
        }
        ChronicleSetup.apply();
        // with the writer's roll cycle: without it, Chronicle warns on every opening that it overrides its own
        ChronicleQueue queue = ChronicleQueue.singleBuilder(folder.toFile()).rollCycle(ChronicleIngestLog.ROLL_CYCLE)
                .readOnly(true).build();
        long last = queue.lastIndex();
        return new IngestLogSnapshot(queue, last < 0 ? 0 : last);
    }

    private static boolean holdsQueueFiles(Path folder) {
        try (DirectoryStream<Path> cycles = Files.newDirectoryStream(folder, "*.cq4")) {
            return cycles.iterator().hasNext();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the ingest log folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The position of the last record this snapshot holds; 0 when it holds none. */
    public long endPosition() {
        return endPosition;
    }

    /** A reader of the records from the first to {@link #endPosition}, in log order; each call starts again. */
    public Records records() {
        return new Records(queue == null ? null : new ChronicleIngestLog.Reader(queue.createTailer()), endPosition,
                false);
    }

    /**
     * The rule changes (deployments, removals) and repairs from the first record to {@link #endPosition}, in log
     * order, event batches passed over undecoded; each call starts again.
     */
    public Records ruleChanges() {
        return new Records(queue == null ? null : new ChronicleIngestLog.Reader(queue.createTailer()), endPosition,
                true);
    }

    /** How many records this snapshot holds, counted from the queue's index (cheap: no record is read). */
    public long recordCount() {
        if (queue == null) {
            return 0;
        }
        long first = queue.firstIndex();
        if (first < 0 || first == Long.MAX_VALUE || first > endPosition) {
            return 0;
        }
        return ((SingleChronicleQueue) queue).countExcerpts(first, endPosition) + 1;
    }

    /**
     * The newest event of the snapshot that {@code wanted} accepts, reading the log backwards from its end over at
     * most {@code maxEvents} events (of every stream; a batch is read whole): what {@code POST
     * /v1/rules/{name}/explain?key=} explains. Rule changes and watermarks are passed over.
     *
     * @throws DamagedLogException when a record on the way cannot be read
     */
    public NewestEvent newestEvent(Predicate<Event> wanted, int maxEvents) {
        if (queue == null) {
            return new NewestEvent(null, 0, 0, true);
        }
        int read = 0;
        ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        while (read < maxEvents) {
            LogRecord record;
            try (DocumentContext document = tailer.readingDocument()) {
                if (!document.isPresent()) {
                    return new NewestEvent(null, 0, read, true);
                }
                if (document.index() > endPosition) {
                    continue;   // appended after the snapshot was opened
                }
                try {
                    record = ChronicleIngestLog.Reader.decode(document.index(), document.wire().bytes());
                } catch (RuntimeException damaged) {
                    throw DamagedLogException.at(tailer.currentFile(), document.index(), -1, -1, damaged);
                }
            }
            if (record instanceof LogRecord.Batch batch) {
                List<InputLine> lines = batch.lines();
                for (int i = lines.size() - 1; i >= 0; i--) {
                    if (lines.get(i) instanceof InputLine.EventLine line) {
                        read++;
                        if (wanted.test(line.event())) {
                            return new NewestEvent(line.event(), batch.position(), read, false);
                        }
                    }
                }
            }
        }
        return new NewestEvent(null, 0, read, false);
    }

    /**
     * What {@link #newestEvent} found.
     *
     * @param event the newest wanted event, or null when none was found within the bound
     * @param position the log position of its batch (0 when none)
     * @param eventsRead the events read to find it (or not)
     * @param wholeLog whether the search reached the log's first record (else it stopped at the bound)
     */
    public record NewestEvent(Event event, long position, int eventsRead, boolean wholeLog) {}

    @Override
    public void close() {
        if (queue != null) {
            queue.close();
        }
    }

    /** Reads a snapshot's records in order. */
    public static final class Records {
        private final ChronicleIngestLog.Reader reader;
        private final long endPosition;
        private final boolean ruleChangesOnly;

        private Records(ChronicleIngestLog.Reader reader, long endPosition, boolean ruleChangesOnly) {
            this.reader = reader;
            this.endPosition = endPosition;
            this.ruleChangesOnly = ruleChangesOnly;
        }

        /** The next record, or {@code null} after the snapshot's last one. */
        public LogRecord next() {
            if (reader == null) {
                return null;
            }
            LogRecord record = ruleChangesOnly ? reader.nextRuleChange() : reader.next();
            return record == null || record.position() > endPosition ? null : record;
        }
    }
}
