package dev.vigil.server.log;

import java.nio.file.Path;
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

    private ChronicleAlertLog(ChronicleQueue queue, MemoryAlertLog recent, Set<String> ids) {
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
        ChronicleSetup.apply();
        ChronicleQueue queue = ChronicleQueue.singleBuilder(folder.toFile()).build();
        MemoryAlertLog recent = new MemoryAlertLog(recentCapacity);
        Set<String> ids = new HashSet<>();
        ExcerptTailer tailer = queue.createTailer();
        while (true) {
            try (DocumentContext document = tailer.readingDocument()) {
                if (!document.isPresent()) {
                    break;
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
        return new ChronicleAlertLog(queue, recent, ids);
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
