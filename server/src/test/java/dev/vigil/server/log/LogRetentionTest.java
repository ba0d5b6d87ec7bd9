package dev.vigil.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.nfa.Event;
import dev.vigil.wire.InputLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest log keeps one file per hour and lets old files go by age or by size, but never one a recovery from the
 * oldest kept checkpoint would replay, and never the file being written.
 */
class LogRetentionTest {
    private static final long HOUR = 3_600_000;

    @TempDir
    Path folder;

    private final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2026-11-21T00:10:00Z"));

    @Test
    void filesGoByAgeOnlyBeforeTheCheckpointsPosition() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder, clock)) {
            List<Long> positions = fourHours(log);
            log.retainWith(new LogRetention(90 * 60_000, 0));
            long now = clock.currentTimeMillis();   // 03:10: hour 0 ended 2 h 10 min ago, hour 1 70 min ago

            assertEquals(List.of(), log.retain(0, now), "no checkpoint yet: everything is kept");
            assertEquals(List.of(), log.retain(positions.get(0), now), "the checkpoint needs hour 0 on");
            assertEquals(List.of("20261121-00F.cq4"), names(log.retain(positions.get(2), now)),
                    "hour 1 is young enough to stay");
            assertEquals(List.of("20261121-01F.cq4", "20261121-02F.cq4", "20261121-03F.cq4"), cycleFiles());
            assertEquals(List.of(2, 3, 4), eventsFrom(log), "reading starts at the oldest file kept");
        }
    }

    @Test
    void filesGoOldestFirstWhileTheLogIsOverItsBudgetButNeverTheNeededOrCurrentOne() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder, clock)) {
            List<Long> positions = fourHours(log);
            log.retainWith(new LogRetention(0, 1));   // any file is over a budget of one byte

            List<Path> deleted = log.retain(positions.get(3), clock.currentTimeMillis());

            assertEquals(List.of("20261121-00F.cq4", "20261121-01F.cq4", "20261121-02F.cq4"), names(deleted));
            assertEquals(List.of("20261121-03F.cq4"), cycleFiles());
            clock.advanceMillis(HOUR);
            log.append("s", List.of(event(5)));
            assertEquals(List.of(4, 5), eventsFrom(log), "the log goes on after the deletions");
        }
    }

    /** Appends one batch per hour at 00:10, 01:10, 02:10 and 03:10; returns their positions. */
    private List<Long> fourHours(ChronicleIngestLog log) {
        List<Long> positions = new ArrayList<>();
        for (int hour = 1; hour <= 4; hour++) {
            positions.add(log.append("s", List.of(event(hour))));
            if (hour < 4) {
                clock.advanceMillis(HOUR);
            }
        }
        return positions;
    }

    private static InputLine event(long number) {
        return new InputLine.EventLine(new Event("payments", number * 1_000, number, Map.of("n", number)));
    }

    private static List<Integer> eventsFrom(ChronicleIngestLog log) {
        List<Integer> numbers = new ArrayList<>();
        ChronicleIngestLog.Reader reader = log.readAfter(0);
        for (LogRecord record = reader.next(); record != null; record = reader.next()) {
            for (InputLine line : ((LogRecord.Batch) record).lines()) {
                numbers.add((int) ((InputLine.EventLine) line).event().sequence());
            }
        }
        return numbers;
    }

    private List<String> cycleFiles() throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".cq4")).sorted()
                    .toList();
        }
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(file -> file.getFileName().toString()).toList();
    }
}
