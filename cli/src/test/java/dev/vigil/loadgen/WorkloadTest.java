package dev.vigil.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.Vigil;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bench's workload without a server: its frames, its rule, and the alerts they must produce together. */
class WorkloadTest {
    @Test
    void aFrameIsNdjsonEventsOfItsStreamThenAWatermarkAtItsTimestamp() {
        FrameText frame = new FrameText("bench_seq_1");
        frame.clear();
        frame.event(7, 'a', 1_500, 1_700_000_000_000_123L);
        frame.event(9, 'b', 1_500, 1_700_000_000_000_123L);
        frame.watermark(1_700_000_000_000_123L);
        assertEquals("""
                {"stream":"bench_seq_1","k":"k7","t":"a","s":1500,"ts":1700000000000123}
                {"stream":"bench_seq_1","k":"k9","t":"b","s":1500,"ts":1700000000000123}
                {"watermark":1700000000000123,"stream":"bench_seq_1"}""", frame.text().toString());
    }

    @Test
    void theSameSeedGivesTheSameEventsAndEachConnectionOwnsItsKeys() {
        KeySequence[] first = KeySequence.forConnections(50, 2, 42);
        KeySequence[] again = KeySequence.forConnections(50, 2, 42);
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 1_000; i++) {
                first[c].next();
                again[c].next();
                assertEquals(first[c].key() + " " + first[c].type(), again[c].key() + " " + again[c].type());
                assertEquals(c, first[c].key() % 2, "connection " + c + " sent key " + first[c].key());
            }
        }
    }

    @Test
    void theRuleMatchesExactlyTheBEventsTheSequenceCounts(@TempDir Path dir) throws Exception {
        int connections = 2;
        KeySequence[] keys = KeySequence.forConnections(40, connections, 5);
        StringBuilder events = new StringBuilder();
        long timestamp = 1_000;
        for (int round = 0; round < 100; round++) {
            for (int c = 0; c < connections; c++) {
                FrameText frame = new FrameText(BenchRule.stream(c));
                frame.clear();
                for (int i = 0; i < 5; i++) {
                    keys[c].next();
                    frame.event(keys[c].key(), keys[c].type(), round, timestamp);
                }
                frame.watermark(timestamp);
                events.append(frame.text()).append('\n');
            }
            timestamp++;
        }
        long expected = keys[0].expectedAlerts() + keys[1].expectedAlerts();
        assertTrue(expected > 20, "the data holds matches: " + expected);
        Files.writeString(dir.resolve("bench.cep"), BenchRule.text(connections));
        Files.writeString(dir.resolve("events.ndjson"), events);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("run", "--rules", dir.resolve("bench.cep").toString(), "--events",
                dir.resolve("events.ndjson").toString());
        assertEquals(0, exit, err.toString());
        assertEquals(expected, out.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains(" 0 late"), err.toString());
        String firstAlert = out.toString().lines().findFirst().orElseThrow();
        assertTrue(AlertReceiver.sentNanos(firstAlert) >= 0, firstAlert);
    }

    @Test
    void theSendingTimeIsReadFromTheAlertsFields() {
        assertEquals(123_456, AlertReceiver.sentNanos("{\"id\":\"x\",\"rule\":\"bench_seq\",\"key\":\"k1\","
                + "\"fields\":{\"sent\":123456},\"events\":{\"b\":[{\"s\":99}]}}"));
        assertEquals(-1, AlertReceiver.sentNanos("{\"rule\":\"other\",\"fields\":{\"total\":3}}"));
        assertEquals(-1, AlertReceiver.sentNanos("not json"));
    }
}
