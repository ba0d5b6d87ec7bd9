package dev.vigil.server.log;

import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import java.util.List;
import java.util.Map;

/** One record of the ingest log, read back for recovery. */
public sealed interface LogRecord {
    long position();

    /**
     * Numbered events and the stream watermarks sent with them; {@code name} is the batch's id when its client
     * named it ({@code null} otherwise), which recovery needs to recognise the batch when it is sent again.
     */
    record Batch(long position, String source, BatchId name, List<InputLine> lines) implements LogRecord {
        public Batch(long position, String source, List<InputLine> lines) {
            this(position, source, null, lines);
        }
    }

    /** Rules deployed from {@code text} (from {@code origin}: {@link IngestLog#HTTP} or a rule file's path). */
    record Deploy(long position, String origin, String text, Map<String, Integer> versions, long deployedAtMs,
            List<InputLine.WatermarkLine> watermarks) implements LogRecord {}

    /**
     * A rule removed, at {@code undeployedAtMs} (wall clock, epoch ms; 0 in records written before the log kept it).
     */
    record Undeploy(long position, String name, long undeployedAtMs) implements LogRecord {
        /** A removal whose time is not known. */
        public Undeploy(long position, String name) {
            this(position, name, 0);
        }
    }

    /**
     * Where {@code vigil repair-log} dropped the damaged part of the log ({@code note} says what): event numbering
     * skips {@code skippedNumbers} here, so later events' alerts never take the ids of the dropped events' alerts.
     */
    record Repaired(long position, long skippedNumbers, String note) implements LogRecord {}
}
