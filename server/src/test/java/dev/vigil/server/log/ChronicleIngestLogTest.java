package dev.vigil.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import dev.vigil.wire.InputLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
