package dev.vigil.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches written to the Chronicle ingest log come back, in order and equal, also after it is reopened. */
class ChronicleIngestLogTest {
    @TempDir
    Path folder;

    @Test
    void batchesComeBackInOrderAfterTheLogIsReopened() {
        List<List<InputLine>> written = List.of(
                List.of(event(1, "payments", Map.of("card", "c1", "amount", 12.5)),
                        new InputLine.WatermarkLine("payments", 999)),
                List.of(new InputLine.WatermarkLine(null, 5_000)),
                List.of(event(2, "logins", nested()), event(3, "payments", Map.of("ok", true, "n", 7L))));
        List<Long> positions = new ArrayList<>();
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            assertEquals(0, log.lastPosition(), "an empty log");
            for (List<InputLine> batch : written) {
                positions.add(log.append("ws-1", batch));
            }
            assertEquals(positions.get(2), log.lastPosition());
        }
        assertTrue(positions.get(0) < positions.get(1) && positions.get(1) < positions.get(2), positions.toString());

        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            assertEquals(positions.get(2), log.lastPosition(), "the last position survives a restart");
            ChronicleIngestLog.Reader all = log.readAfter(0);
            for (int i = 0; i < written.size(); i++) {
                LogRecord.Batch batch = (LogRecord.Batch) all.next();
                assertEquals(positions.get(i), batch.position());
                assertEquals("ws-1", batch.source());
                assertEquals(describe(written.get(i)), describe(batch.lines()));
            }
            assertNull(all.next(), "then the end of the log");

            List<InputLine.WatermarkLine> then = List.of(new InputLine.WatermarkLine("s", 4_999));
            long deployed = log.appendDeploy("rules/fraud.cep", "RULE r FROM s PATTERN a", Map.of("r", 3), 1_234, then);
            long removed = log.appendUndeploy("r");
            assertEquals(new LogRecord.Deploy(deployed, "rules/fraud.cep", "RULE r FROM s PATTERN a", Map.of("r", 3),
                    1_234, then), all.next());
            assertEquals(new LogRecord.Undeploy(removed, "r"), all.next(), "rule changes come back in log order");

            ChronicleIngestLog.Reader rest = log.readAfter(positions.get(1));
            assertEquals(positions.get(2), rest.next().position(), "reading after a position starts past it");
        }
    }

    /**
     * A removal keeps its time; the rule changes of a snapshot come back without its batches, and the snapshot counts
     * its records.
     */
    @Test
    void aRemovalKeepsItsTimeAndASnapshotReadsRuleChangesAlone() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            log.append("ws-1", List.of(event(1, "s", Map.of("n", 1L))));
            long deployed = log.appendDeploy("http", "RULE r FROM s PATTERN a", Map.of("r", 1), 1_000, List.of());
            log.append("ws-1", List.of(event(2, "s", Map.of("n", 2L))));
            long removed = log.appendUndeploy("r", 1_700_000_000_123L);
            log.append("ws-1", List.of(event(3, "s", Map.of("n", 3L))));
            try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
                IngestLogSnapshot.Records changes = snapshot.ruleChanges();
                assertEquals(deployed, changes.next().position());
                assertEquals(new LogRecord.Undeploy(removed, "r", 1_700_000_000_123L), changes.next());
                assertNull(changes.next(), "the last batch is passed over too");
                assertEquals(5, snapshot.recordCount());
            }
        }
    }

    /** A named batch comes back with its id, and its events with identities that differ from their numbers. */
    @Test
    void aNamedBatchKeepsItsIdAndItsEventsTheirIdentities() {
        Map<String, Object> fields = Map.of("card", "c1");
        List<InputLine> lines = List.of(
                new InputLine.EventLine(new Event("payments", 1_000, 41, -8_000_000_000_000_000_000L, fields)),
                new InputLine.EventLine(new Event("payments", 1_001, 42, fields)),
                new InputLine.WatermarkLine(null, 900));
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            long named = log.append("ws-1", new BatchId("shop:1", 7), lines);
            long plain = log.append("http", lines.subList(1, 2));
            ChronicleIngestLog.Reader all = log.readAfter(0);
            LogRecord.Batch first = (LogRecord.Batch) all.next();
            assertEquals(named, first.position());
            assertEquals(new BatchId("shop:1", 7), first.name());
            Event kept = ((InputLine.EventLine) first.lines().get(0)).event();
            assertEquals(41, kept.sequence());
            assertEquals(-8_000_000_000_000_000_000L, kept.identity());
            Event numbered = ((InputLine.EventLine) first.lines().get(1)).event();
            assertEquals(42, numbered.identity());
            assertEquals(describe(lines), describe(first.lines()));
            LogRecord.Batch second = (LogRecord.Batch) all.next();
            assertEquals(plain, second.position());
            assertNull(second.name());
        }
    }

    /**
     * A batch as logs written before batches were named hold it (kind 1, events of kind 1: stream, time, sequence,
     * fields), decoded byte by byte: unnamed, each event's identity its sequence.
     */
    @Test
    void aBatchOfTheFormatBeforeNamesReadsAsUnnamedWithIdentitiesEqualToSequences() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        bytes.writeByte((byte) 1);
        Texts.write(bytes, "ws-3");
        bytes.writeInt(2);
        bytes.writeByte((byte) 1);
        Texts.write(bytes, "logins");
        bytes.writeLong(5_000);
        bytes.writeLong(17);
        Texts.write(bytes, "{\"user\":\"u1\"}");
        bytes.writeByte((byte) 2);
        bytes.writeByte((byte) 1);
        Texts.write(bytes, "logins");
        bytes.writeLong(4_000);

        LogRecord.Batch batch = (LogRecord.Batch) ChronicleIngestLog.Reader.decode(9, bytes);
        assertEquals(new LogRecord.Batch(9, "ws-3", null, batch.lines()), batch);
        Event event = ((InputLine.EventLine) batch.lines().get(0)).event();
        assertEquals(List.of("logins@5000#17 {user=u1}", "WatermarkLine[stream=logins, timestamp=4000]"),
                describe(batch.lines()));
        assertEquals(17, event.identity());
    }

    private static InputLine event(long sequence, String stream, Map<String, Object> fields) {
        Map<String, Object> all = new LinkedHashMap<>(fields);
        all.put("stream", stream);
        all.put("ts", 1_000 * sequence);
        return new InputLine.EventLine(new Event(stream, 1_000 * sequence, sequence, all));
    }

    private static Map<String, Object> nested() {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("os", "linux");
        device.put("tags", List.of("a", "b"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("user", "u1");
        fields.put("device", device);
        fields.put("missing", null);
        return fields;
    }

    /** Events compare by stream, time, sequence and fields (Event has identity equality). */
    private static List<String> describe(List<InputLine> lines) {
        List<String> texts = new ArrayList<>();
        for (InputLine line : lines) {
            if (line instanceof InputLine.EventLine e) {
                texts.add(e.event().stream() + "@" + e.event().timestamp() + "#" + e.event().sequence() + " "
                        + e.event().fields());
            } else {
                texts.add(line.toString());
            }
        }
        return texts;
    }
}
