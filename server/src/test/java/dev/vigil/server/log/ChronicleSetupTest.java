package dev.vigil.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed while Chronicle created a log's cycle file leaves the file with its header "not complete" and no
 * record; the next server's logs delete it when they open, and go on writing and reading that cycle.
 */
class ChronicleSetupTest {
    @TempDir
    Path folder;

    @Test
    void theAlertLogDeletesACycleFileWhoseHeaderAKilledServerNeverCompletedAndWritesTheCycleAgain() throws Exception {
        Path alerts = folder.resolve("alerts");
        try (ChronicleAlertLog log = ChronicleAlertLog.open(alerts, 100)) {
            log.append("a-1", "r", null, "k", 1_000, "{\"alertId\":\"a-1\"}");
        }
        Path cycle = onlyCycleFile(alerts);
        halfCreated(cycle);

        try (ChronicleAlertLog log = ChronicleAlertLog.open(alerts, 100)) {
            assertFalse(Files.exists(cycle), "the half-created file is deleted when the log opens");
            assertEquals(List.of(), log.afterId(0, 10, AlertFilter.ALL));
            log.append("a-2", "r", null, "k", 2_000, "{\"alertId\":\"a-2\"}");
        }
        try (ChronicleAlertLog log = ChronicleAlertLog.open(alerts, 100)) {
            assertEquals(List.of("a-2"), log.afterId(0, 10, AlertFilter.ALL).stream()
                    .map(AlertLog.LoggedAlert::alertId).toList(), "the cycle written again is read back");
            assertTrue(log.contains("a-2"));
        }
    }

    @Test
    void aCompleteCycleFileIsKeptAndAHalfCreatedOneOfTheIngestLogIsDeleted() throws Exception {
        Path ingest = folder.resolve("ingest");
        long position;
        try (ChronicleIngestLog log = ChronicleIngestLog.open(ingest)) {
            position = log.appendUndeploy("r");
        }
        Path complete = onlyCycleFile(ingest);
        ChronicleSetup.deleteHalfCreatedCycles(ingest);
        assertTrue(Files.exists(complete), "a file with its header written stays");

        halfCreated(complete);
        try (ChronicleIngestLog log = ChronicleIngestLog.open(ingest)) {
            assertFalse(Files.exists(complete));
            assertEquals(0, log.lastPosition(), "the deleted file held no record");
            position = log.appendUndeploy("s");
        }
        try (ChronicleIngestLog log = ChronicleIngestLog.open(ingest)) {
            assertEquals(new LogRecord.Undeploy(position, "s"), log.readAfter(0).next());
        }
    }

    private static Path onlyCycleFile(Path log) throws IOException {
        try (Stream<Path> files = Files.list(log)) {
            List<Path> cycles = files.filter(file -> file.toString().endsWith(".cq4")).toList();
            assertEquals(1, cycles.size(), cycles.toString());
            return cycles.get(0);
        }
    }

    /**
     * Replaces {@code cycle} with what a writer killed in Chronicle's {@code writeFirstHeader} leaves: the header's
     * first word marked not complete (and meta-data, length unknown), and nothing written after it.
     */
    private static void halfCreated(Path cycle) throws IOException {
        ByteBuffer file = ByteBuffer.allocate(64 << 10).order(ByteOrder.nativeOrder());
        file.putInt(0, 0xC000_0000);
        Files.write(cycle, file.array());
    }
}
