package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.log.ChronicleIngestLog;
import dev.vigil.server.log.LogRecord;
import dev.vigil.server.log.TornAppend;
import dev.vigil.wire.InputLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed in the middle of writing a record leaves a truncated log tail: a record begun and never
 * finished. Reopened, the log gives every complete record and nothing of the torn one, and takes new records
 * after it.
 */
class TruncatedLogTailTest {
    private static final int COMPLETE = 20;

    @TempDir
    Path folder;

    @Test
    void aRecordTornByAKillIsNotReadAndTheLogGoesOn() throws Exception {
        Path log = folder.resolve("ingest");
        tornAppend(log);

        try (ChronicleIngestLog reopened = ChronicleIngestLog.open(log)) {
            List<Long> numbers = readEventNumbers(reopened);
            assertEquals(COMPLETE, numbers.size(), "every complete batch and nothing of the torn one: " + numbers);
            for (int i = 0; i < COMPLETE; i++) {
                assertEquals(i, numbers.get(i));
            }
            reopened.append("after", List.of(TornAppend.event(COMPLETE)));
            List<Long> after = readEventNumbers(reopened);
            assertEquals(COMPLETE + 1, after.size(), "a batch written after the torn record is read: " + after);
            assertEquals(COMPLETE, after.get(COMPLETE));
        }
    }

    private void tornAppend(Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ChildJvm.chronicleFlags());
        command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), TornAppend.class.getName(), log.toString(),
                "" + COMPLETE));
        Path output = folder.resolve("torn.out");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child should die by itself");
        } finally {
            child.destroyForcibly();
        }
        String said = Files.readString(output);
        assertEquals(137, child.exitValue(), said);
        assertTrue(said.contains("torn"), "the child should have begun the torn record: " + said);
    }

    private static List<Long> readEventNumbers(ChronicleIngestLog log) {
        List<Long> numbers = new ArrayList<>();
        ChronicleIngestLog.Reader reader = log.readAfter(0);
        for (LogRecord record = reader.next(); record != null; record = reader.next()) {
            LogRecord.Batch batch = (LogRecord.Batch) record;
            assertEquals(1, batch.lines().size());
            numbers.add(((Number) ((InputLine.EventLine) batch.lines().get(0)).event().fields()
                    .get("n")).longValue());
        }
        assertNull(reader.next());
        return numbers;
    }
}
