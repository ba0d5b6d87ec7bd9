package dev.vigil.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.nfa.Event;
import dev.vigil.wire.InputLine;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot reads the ingest log beside its writer, read-only, and ends where the log ended when it was opened, so
 * a replay of a log that keeps growing ends.
 */
class IngestLogSnapshotTest {
    @TempDir
    Path folder;

    @Test
    void aSnapshotEndsAtTheRecordLastWrittenBeforeItOpenedWhileTheWriterGoesOn() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            long deployed = log.appendDeploy("http", "RULE r FROM s PATTERN a", Map.of("r", 1), 7, List.of());
            long first = log.append("src", List.of(event(1, 100), new InputLine.WatermarkLine("s", 99)));
            try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
                long later = log.append("src", List.of(event(2, 200)));   // after the snapshot was opened

                assertEquals(first, snapshot.endPosition());
                assertEquals(List.of(deployed, first), positions(snapshot.records()));
                assertEquals(List.of(deployed, first), positions(snapshot.records()), "each reading starts again");
                try (IngestLogSnapshot next = IngestLogSnapshot.open(folder)) {
                    assertEquals(List.of(deployed, first, later), positions(next.records()), "a new one sees it");
                }
            }
        }
    }

    @Test
    void theNewestWantedEventIsFoundReadingBackwardsWithinTheBoundAndNotPastTheSnapshotsEnd() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            long first = log.append("src", List.of(event(1, 100), event(2, 110)));
            log.appendDeploy("http", "RULE r FROM s PATTERN a", Map.of("r", 1), 7, List.of());
            log.append("src", List.of(event(3, 120), new InputLine.WatermarkLine("s", 115), event(4, 130)));
            try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
                log.append("src", List.of(event(5, 140)));   // after the snapshot was opened: not read

                IngestLogSnapshot.NewestEvent odd = snapshot.newestEvent(e -> (long) e.field("n") % 2 == 1, 10);
                assertEquals(3L, odd.event().sequence(), "the newest odd one, backwards through the batch");
                assertEquals(2, odd.eventsRead(), "4, then 3; the watermark is no event");

                IngestLogSnapshot.NewestEvent oldest = snapshot.newestEvent(e -> e.sequence() == 1, 10);
                assertEquals(first, oldest.position(), "past the rule change, into the first batch");
                assertEquals(4, oldest.eventsRead());

                assertEquals(new IngestLogSnapshot.NewestEvent(null, 0, 2, false),
                        snapshot.newestEvent(e -> e.sequence() == 1, 2), "the bound reached: not the whole log");
                assertEquals(1L, snapshot.newestEvent(e -> e.sequence() == 1, 3).event().sequence(),
                        "the bound is looked at between batches: a batch is read whole");
                assertEquals(new IngestLogSnapshot.NewestEvent(null, 0, 4, true),
                        snapshot.newestEvent(e -> e.sequence() == 5, 10), "the whole log read, 5 not in it");
            }
        }
    }

    @Test
    void aFolderWithoutQueueFilesIsAnEmptyLogAndAMissingFolderIsNoLog() throws Exception {
        Files.createDirectories(folder.resolve("ingest"));
        try (IngestLogSnapshot empty = IngestLogSnapshot.ofDataFolder(folder)) {
            assertEquals(0, empty.endPosition());
            assertNull(empty.records().next());
        }
        assertThrows(NoSuchFileException.class, () -> IngestLogSnapshot.open(folder.resolve("nothing-here")));
    }

    @Test
    void openingASnapshotLogsNoWarning() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            log.append("src", List.of(event(1, 100)));
        }
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
            assertEquals(1, positions(snapshot.records()).size());
        } finally {
            System.setErr(stderr);
        }
        // Chronicle said "Overriding roll length from existing metadata" on every backtest: opened without the cycle
        assertEquals("", captured.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<Long> positions(IngestLogSnapshot.Records records) {
        List<Long> positions = new ArrayList<>();
        for (LogRecord record = records.next(); record != null; record = records.next()) {
            positions.add(record.position());
        }
        return positions;
    }

    private static InputLine event(long sequence, long ts) {
        return new InputLine.EventLine(new Event("s", ts, sequence, Map.of("n", sequence)));
    }
}
