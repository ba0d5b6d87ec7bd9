package dev.vigil.server.log;

import dev.vigil.connectors.AlertFeed;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The alert log in the data folder, on a Chronicle Queue: every alert is written (memory-mapped, so it survives
 * the process being killed) before subscribers and sinks see it, and read back when the server starts again, so
 * {@code GET /v1/alerts} and {@code ?after=<alert id>} go on across restarts. Reads are served by a
 * {@link MemoryAlertLog} holding the newest alerts, filled from the file at start.
 *
 * <p><b>Thread-safe:</b> appends come from the event loop; the lock of the memory log orders them with reads.
 */
public final class ChronicleAlertLog implements AlertLog {
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private final MemoryAlertLog recent;
    /** The id of every alert in the file: what a replay after a crash must not emit again. */
    private final Set<String> ids;
    /** Faults the file's pages in ahead of the event loop, which writes the alerts ({@link PageToucher}). */
    private final PageToucher toucher;
    /** Allocates the file's disk space before an alert is written into the map ({@link LogSpace}). */
    private final LogSpace space = new LogSpace("alert log");
    /** An alert is encoded here first, so its length is known before any byte goes to the mapped file. */
    private final Bytes<?> scratch = Bytes.allocateElasticOnHeap(4 << 10);
    /**
     * Where to start reading for a number: the queue index of alert {@code k * INDEX_EVERY + 1} at {@code [k]}, so a
     * feed's cursor moves near any number at once and skips fewer than {@link #INDEX_EVERY} alerts (8 bytes per
     * thousand alerts of memory). Numbers are positions in the file from 1, the same at every start.
     */
    private long[] sparseIndex;
    private int sparseCount;
    private long lastNumber;
    static final int INDEX_EVERY = 1_024;

    private ChronicleAlertLog(ChronicleQueue queue, MemoryAlertLog recent, Set<String> ids, long[] sparseIndex,
            int sparseCount, long lastNumber) {
        this.sparseIndex = sparseIndex;
        this.sparseCount = sparseCount;
        this.lastNumber = lastNumber;
        this.queue = queue;
        this.toucher = PageToucher.ENABLED ? new PageToucher("vigil-alert-pretouch", space) : null;
        space.allocateWhole(new java.io.File(queue.file(), "metadata.cq4t"));
        this.appender = queue.createAppender();
        this.appender.singleThreadedCheckDisabled(true);   // opened on a worker, then used under this log's lock
        this.scratch.singleThreadedCheckDisabled(true);
        this.recent = recent;
        this.ids = ids;
    }

    /** Opens (or creates) the log in {@code folder}, reading the alerts it holds; blocking, not for an event loop. */
    public static ChronicleAlertLog open(Path folder, int recentCapacity) {
        ChronicleQueue queue = ChronicleSetup.writable(folder).build();
        MemoryAlertLog recent = new MemoryAlertLog(recentCapacity);
        Set<String> ids = new HashSet<>();
        long[] sparse = new long[16];
        int sparseCount = 0;
        long number = 0;
        ExcerptTailer tailer = queue.createTailer();
        while (true) {
            try (DocumentContext document = tailer.readingDocument()) {
                if (!document.isPresent()) {
                    break;
                }
                if (number++ % INDEX_EVERY == 0) {
                    sparse = sparseCount == sparse.length ? Arrays.copyOf(sparse, sparseCount * 2) : sparse;
                    sparse[sparseCount++] = document.index();
                }
                Bytes<?> bytes = document.wire().bytes();
                long loggedAtMs = bytes.readLong();
                String alertId = Texts.read(bytes);
                String rule = Texts.read(bytes);
                String severity = Texts.read(bytes);
                String key = Texts.read(bytes);
                recent.append(alertId, rule, severity, key, loggedAtMs, Texts.read(bytes));
                ids.add(alertId);
            }
        }
        tailer.close();
        return new ChronicleAlertLog(queue, recent, ids, sparse, sparseCount, number);
    }

    /** @throws AlertLogException when the alert cannot be written (its disk is full): nothing of it is logged */
    @Override
    public synchronized LoggedAlert append(String alertId, String rule, String severity, String key,
            long loggedAtMs, String json) {
        scratch.clear();
        scratch.writeLong(loggedAtMs);
        Texts.write(scratch, alertId);
        Texts.write(scratch, rule);
        Texts.write(scratch, severity);   // null for an alert without one
        Texts.write(scratch, key);
        Texts.write(scratch, json);
        try {
            space.ensure(appender, scratch.readRemaining());
        } catch (java.io.IOException full) {
            throw new AlertLogException(full.getMessage(), full);
        }
        long end;
        try (DocumentContext document = appender.writingDocument()) {
            Bytes<?> bytes = document.wire().bytes();
            bytes.write(scratch);
            end = bytes.writePosition();
        }
        if (toucher != null) {
            toucher.wrote(appender.currentFile(), end);
        }
        if (lastNumber++ % INDEX_EVERY == 0) {
            sparseIndex = sparseCount == sparseIndex.length ? Arrays.copyOf(sparseIndex, sparseCount * 2) : sparseIndex;
            sparseIndex[sparseCount++] = appender.lastIndexAppended();
        }
        ids.add(alertId);
        return recent.append(alertId, rule, severity, key, loggedAtMs, json);
    }

    @Override
    public synchronized boolean contains(String alertId) {
        return ids.contains(alertId);
    }

    @Override
    public List<LoggedAlert> afterId(long afterId, int limit, AlertFilter filter) {
        return recent.afterId(afterId, limit, filter);
    }

    @Override
    public List<LoggedAlert> since(long sinceMs, int limit, AlertFilter filter) {
        return recent.since(sinceMs, limit, filter);
    }

    @Override
    public List<LoggedAlert> newest(int limit, AlertFilter filter) {
        return recent.newest(limit, filter);
    }

    @Override
    public long numberOf(String alertId) {
        return recent.numberOf(alertId);
    }

    /** Reads the file, so a sink can resume from any number, however old, after a restart. */
    @Override
    public AlertFeed feed() {
        return new AlertFeed() {
            @Override
            public Cursor follow(long afterNumber) {
                return new FileCursor(afterNumber);
            }

            @Override
            public long lastNumber() {
                synchronized (ChronicleAlertLog.this) {
                    return lastNumber;
                }
            }
        };
    }

    /**
     * Where to start reading to reach alert {@code afterNumber + 1}: the queue index of the indexed alert at or
     * before it and that alert's number less one; {@code {-1, 0}}: from the file's start.
     */
    private synchronized long[] startFor(long afterNumber) {
        if (sparseCount == 0) {
            return new long[] {-1, 0};
        }
        int block = (int) Math.min(afterNumber / INDEX_EVERY, sparseCount - 1);
        return new long[] {sparseIndex[block], (long) block * INDEX_EVERY};
    }

    /**
     * Reads the alerts numbered above a position from the file, on one thread (the sink's): its own tailer, moved
     * near the position through the sparse index, then forward alert by alert.
     */
    private final class FileCursor implements AlertFeed.Cursor {
        private final long afterNumber;
        private ExcerptTailer tailer;
        /** The number of the alert the tailer read last. */
        private long number;

        FileCursor(long afterNumber) {
            this.afterNumber = afterNumber;
        }

        @Override
        public AlertFeed.Entry next() {
            if (tailer == null) {
                tailer = queue.createTailer();
                long[] start = startFor(afterNumber);
                if (start[0] >= 0 && !tailer.moveToIndex(start[0])) {
                    throw new IllegalStateException("alert log index " + Long.toHexString(start[0]) + " of alert "
                            + (start[1] + 1) + " not found");
                }
                number = start[1];
            }
            while (true) {
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        return null;
                    }
                    number++;
                    if (number <= afterNumber) {
                        continue;
                    }
                    Bytes<?> bytes = document.wire().bytes();
                    bytes.readLong();   // logged at
                    String alertId = Texts.read(bytes);
                    String rule = Texts.read(bytes);
                    return new AlertFeed.Entry(number, alertId, rule, skipTwoThenRead(bytes));
                }
            }
        }

        @Override
        public void close() {
            if (tailer != null) {
                tailer.close();
            }
        }
    }

    /** The json after the severity and key. */
    private static String skipTwoThenRead(Bytes<?> bytes) {
        Texts.read(bytes);
        Texts.read(bytes);
        return Texts.read(bytes);
    }

    @Override
    public synchronized void close() {
        if (toucher != null) {
            toucher.close();
        }
        appender.close();
        queue.close();
        space.close();
    }
}
