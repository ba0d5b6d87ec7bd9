package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code vigil} commands as a user runs them: exit codes, stdout, and the messages on stderr. */
class CliTest {
    private static final String RULE = """
            STREAM payments (card_id STRING, amount DOUBLE, ts TIMESTAMP);

            RULE tiny_then_big
              SEVERITY high
              FROM payments
              PARTITION BY card_id
              PATTERN tiny{2} -> big
              WITHIN 1 MINUTE
              DEFINE tiny AS amount < 2, big AS amount > 500
              EMIT card = card_id, total = SUM(tiny.amount) + big.amount
              ON TIMEOUT EMIT card = card_id;
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;


    private static CliRun vigil(String... args) {
        return CliRun.of(args);
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void checkAcceptsAValidFile() throws IOException {
        CliRun result = vigil("check", write("ok.cep", RULE).toString());
        assertEquals(0, result.exit(), result.err());
        assertEquals("ok: 1 rule(s) in 1 file(s)\n", result.out());
    }

    @Test
    void checkReportsMistakesWithPositionAndCaretAndExitsOne() throws IOException {
        Path file = write("bad.cep", "RULE r FROM s PATTERN a -> b\n  DEFINE c AS x > 1;\n");
        CliRun result = vigil("check", file.toString());
        assertEquals(1, result.exit());
        assertTrue(result.err().startsWith(file + ":2:10: "), result.err());
        assertTrue(result.err().contains("  |   DEFINE c AS x > 1;\n  |          ^"), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
    }

    @Test
    void filesThatDeclareAStreamDifferentlyAreRefusedAsTheServerRefusesThem() throws IOException {
        Path first = write("a.cep", """
                STREAM logins (user STRING, at TIMESTAMP) EVENT TIME at;
                RULE a FROM logins PARTITION BY user PATTERN x DEFINE x AS TRUE;
                """);
        Path second = write("b.cep", """
                STREAM logins (user STRING, ts TIMESTAMP);
                RULE b FROM logins PARTITION BY user PATTERN x DEFINE x AS TRUE;
                """);
        Path same = write("c.cep", """
                STREAM logins (user STRING, at TIMESTAMP) EVENT TIME at WATERMARK DELAY 1 SECOND;
                RULE c FROM logins PARTITION BY user PATTERN x DEFINE x AS TRUE;
                """);
        CliRun checked = vigil("check", first.toString(), second.toString(), same.toString());
        assertEquals(1, checked.exit(), checked.err());
        assertTrue(checked.err().startsWith(second + ":1:8: stream 'logins' is already declared differently in "
                + first + ":1:8: its event time field is 'ts' here, 'at' there"), checked.err());
        assertEquals(1, checked.err().lines().filter(line -> line.contains("declared differently")).count(),
                "the same declaration with another watermark delay agrees: " + checked.err());

        Path events = write("e.ndjson", "{\"stream\":\"logins\",\"user\":\"u\",\"at\":1000}\n");
        CliRun run = vigil("run", "--rules", first.toString(), "--rules", second.toString(), "--events",
                events.toString());
        assertEquals(1, run.exit(), "not a run where the first declaration silently wins: " + run.err());
    }

    @Test
    void checkReportsAMissingFileAndExitsTwo() {
        CliRun result = vigil("check", dir.resolve("nope.cep").toString());
        assertEquals(2, result.exit());
        assertTrue(result.err().contains("nope.cep: no such file"), result.err());
    }

    @Test
    void runWritesAlertsAndReportsBadLinesByNumber() throws IOException {
        Path rules = write("r.cep", RULE);
        Path events = write("e.ndjson", """
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":1000}
                {"stream":"payments","card_id":"c1","amount":1.5,"ts":2000}
                {"stream":"payments","card_id":"c1","amount":"lots","ts":2500}
                this is not json

                [1, 2]
                {"stream":"payments","card_id":"c1","amount":900.0,"ts":3000}
                {"stream":"payments","card_id":"c2","amount":1.0,"ts":4000}
                {"card_id":"c2","amount":1.0,"ts":4000}
                """);
        CliRun result = vigil("run", "--rules", rules.toString(), "--events", events.toString());
        assertEquals(0, result.exit(), result.err());
        List<String> alerts = result.outLines();
        assertEquals(2, alerts.size(), result.out());
        JsonNode match = JSON.readTree(alerts.get(0));
        assertEquals("match", match.get("kind").asText());
        assertEquals("tiny_then_big", match.get("rule").asText());
        assertEquals("c1", match.get("key").asText());
        assertEquals("high", match.get("severity").asText());
        assertEquals(902.5, match.get("fields").get("total").asDouble());
        assertEquals(2, match.get("events").get("tiny").size());
        assertEquals(900.0, match.get("events").get("big").get(0).get("amount").asDouble());
        JsonNode timeout = JSON.readTree(alerts.get(1));
        assertEquals("timeout", timeout.get("kind").asText());
        assertEquals(64_000, timeout.get("timeoutAt").asLong());

        String err = result.err();
        assertTrue(err.contains("line 3: field 'amount' of stream 'payments' must be DOUBLE, got text \"lots\""), err);
        assertTrue(err.contains("line 4: invalid JSON, column 1: expected a value (a string in double quotes, a number, "
                + "an object, an array, true, false or null), found 'this' (a string takes double quotes)"), err);
        assertTrue(err.contains("line 6: expected a JSON object, got an array"), err);
        assertTrue(err.contains("line 9: missing field 'stream'"), err);
        assertTrue(err.contains("vigil run: 4 events, 2 alerts (1 matches, 1 timeouts), 0 late, 4 malformed"), err);
    }

    @Test
    void runReadsGzipInputByItsBytesWhateverTheFileIsCalled() throws IOException {
        Path rules = write("r.cep", RULE);
        String text = """
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":1000}\r
                {"stream":"payments","card_id":"c1","amount":1.5,"ts":2000}
                {"stream":"payments","card_id":"c1","amount":900.0,"ts":3000}
                """;
        CliRun plain = vigil("run", "--rules", rules.toString(), "--events", write("e.ndjson", text).toString());
        assertEquals(1, plain.outLines().size(), plain.err());
        for (String name : List.of("e.ndjson.gz", "e2.ndjson")) {
            Path gzipped = dir.resolve(name);
            try (OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
                gzip.write(text.getBytes(StandardCharsets.UTF_8));
            }
            CliRun result = vigil("run", "--rules", rules.toString(), "--events", gzipped.toString());
            assertEquals(0, result.exit(), result.err());
            assertEquals(plain.out(), result.out(), name);
            assertTrue(result.err().contains("3 events, 1 alerts (1 matches, 0 timeouts), 0 late, 0 malformed"),
                    name + ": " + result.err());
        }
        Path cut = dir.resolve("cut.ndjson.gz");
        byte[] whole = Files.readAllBytes(dir.resolve("e2.ndjson"));
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 12));
        CliRun damaged = vigil("run", "--rules", rules.toString(), "--events", cut.toString());
        assertEquals(2, damaged.exit(), damaged.err());
        assertTrue(damaged.err().contains("vigil run: stopped: the gzip data is damaged or cut short"), damaged.err());
    }

    @Test
    void runSkipsALineLongerThanTheBoundSaysItsNumberAndGoesOn() throws IOException {
        Path rules = write("r.cep", RULE);
        String huge = "{\"stream\":\"payments\",\"pad\":\"" + "x".repeat(InputLines.DEFAULT_MAX_LINE_BYTES) + "\"}";
        Path events = write("e.ndjson", """
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":1000}
                %s
                {"stream":"payments","card_id":"c1","amount":1.5,"ts":2000}
                {"stream":"payments","card_id":"c1","amount":900.0,"ts":3000}
                """.formatted(huge));
        CliRun result = vigil("run", "--rules", rules.toString(), "--events", events.toString());
        assertEquals(0, result.exit(), result.err());
        assertEquals(1, result.outLines().size(), result.err());
        assertTrue(result.err().startsWith("line 2: too long: more than 1048576 bytes (the bound on one line, as the "
                + "server's on one WebSocket message) (line skipped)\n"), result.err());
        assertTrue(result.err().contains("3 events, 1 alerts (1 matches, 0 timeouts), 0 late, 1 malformed, 0 for no "
                + "rule, from 4 lines"), result.err());

        CliRun tight = vigil("run", "--rules", rules.toString(), "--events", events.toString(), "--max-line-bytes",
                "59");
        assertTrue(tight.err().startsWith("line 2: too long: more than 59 bytes"), "lines 1 and 3 are 59 bytes: "
                + tight.err());
        assertTrue(tight.err().contains("\nline 4: too long: more than 59 bytes"), tight.err());
        assertTrue(tight.err().contains("vigil run: 2 events, "), tight.err());
    }

    @Test
    void runRefusesEventTimesOutsideTheAcceptedRangeLineByLineAndGoesOn() throws IOException {
        Path rules = write("r.cep", RULE);
        Path events = write("e.ndjson", """
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":1000}
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":"+292278994-08-17T07:12:55.808Z"}
                {"watermark":"+999999999-12-31T23:59:59Z"}
                {"watermark":9223372036854775806}
                {"stream":"payments","card_id":"c1","amount":1.5,"ts":2000}
                {"stream":"payments","card_id":"c1","amount":900.0,"ts":3000}
                """);
        CliRun result = vigil("run", "--rules", rules.toString(), "--events", events.toString());

        assertEquals(0, result.exit(), "not 70 (an internal error): " + result.err());
        assertEquals(1, result.outLines().size(), result.err());
        assertEquals(3000, JSON.readTree(result.outLines().get(0)).get("end").asLong(),
                "the refused watermarks did not end time before the last events");
        String range = "outside the accepted event times 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z";
        assertTrue(result.err().contains("line 2: field 'ts' is " + range), result.err());
        assertTrue(result.err().contains("line 3: field 'watermark' is " + range), result.err());
        assertTrue(result.err().contains("line 4: field 'watermark' is " + range), result.err());
        assertTrue(result.err().contains("3 events, 1 alerts (1 matches, 0 timeouts), 0 late, 3 malformed"),
                result.err());
    }

    @Test
    void runReportsEveryBadLineButNeverEchoesHugeInput() throws IOException {
        Path rules = write("r.cep", """
                RULE pairs FROM clicks PARTITION BY user PATTERN a ->> b DEFINE a AS n = 1, b AS n = 2;
                """);
        String hugeKey = "u".repeat(100_000);
        Path events = write("e.ndjson", "{\"stream\":\"clicks\",\"ts\":1,\"n\": " + "x".repeat(100_000) + "}\n"
                + "{\"stream\":\"clicks\",\"ts\":\"" + "9".repeat(100_000) + "\"}\n"
                + "{\"stream\":\"clicks\",\"ts\":2,\"n\":1,\"user\":\"" + hugeKey + "\"}\n"
                + "{\"stream\":\"clicks\",\"ts\":3,\"n\":1,\"user\":\"" + hugeKey + "\"}\n");
        CliRun result = vigil("run", "--rules", rules.toString(), "--events", events.toString(),
                "--max-partial-matches", "1");
        assertEquals(0, result.exit(), result.err().substring(0, Math.min(2_000, result.err().length())));
        List<String> lines = result.err().lines().toList();
        assertTrue(lines.get(0).startsWith("line 1: invalid JSON, column "), lines.get(0));
        assertTrue(lines.get(0).contains(": expected a value (a string in double quotes, a number, an object, an "
                + "array, true, false or null), found 'xxx"), lines.get(0));
        assertTrue(lines.get(1).startsWith("line 2: field 'ts' must be epoch milliseconds or ISO-8601 text"),
                lines.get(1));
        assertTrue(lines.get(2).startsWith("line 4: rule pairs, key uuu"), lines.get(2));
        assertTrue(lines.get(2).endsWith(": dropped 1 oldest partial match(es) (bound of 1 per key)"), lines.get(2));
        for (String line : lines) {
            assertTrue(line.length() < 400, "a line of " + line.length() + " characters on stderr");
        }
    }

    @Test
    void anEventNestedAsDeepAsEventsMayBeStillMakesAnAlert() throws IOException {
        Path rules = write("r.cep", "RULE any FROM s PATTERN a DEFINE a AS TRUE;\n");
        Path events = write("e.ndjson", "{\"stream\":\"s\",\"ts\":1,\"deep\":" + "[".repeat(99) + "]".repeat(99)
                + "}\n{\"stream\":\"s\",\"ts\":2,\"deeper\":" + "[".repeat(997) + "]".repeat(997) + "}\n");
        CliRun result = vigil("run", "--rules", rules.toString(), "--events", events.toString());
        assertEquals(0, result.exit(), "not an internal error rendering the alert: " + result.err());
        assertEquals(1, result.outLines().size());
        assertTrue(result.err().startsWith("line 2: field 'deeper[0][0]...': objects and arrays nest deeper than the "
                + "100 levels an event may have (line skipped)"), result.err());
    }

    @Test
    void runEvictsTheKeyHoldingPartialMatchesTheLongestBeyondMaxKeysAndSaysSo() throws IOException {
        Path rules = write("r.cep", RULE);
        Path events = write("e.ndjson", """
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":"2026-11-21T08:00:00Z"}
                {"stream":"payments","card_id":"c2","amount":1.0,"ts":"2026-11-21T08:00:01Z"}
                {"stream":"payments","card_id":"c2","amount":1.5,"ts":"2026-11-21T08:00:02Z"}
                {"stream":"payments","card_id":"c2","amount":900.0,"ts":"2026-11-21T08:00:03Z"}
                """);
        CliRun result = vigil("run", "--rules", rules.toString(), "--events", events.toString(), "--max-keys", "1");
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.err().contains("line 3: rule tiny_then_big, key c1: evicted with 1 partial match(es) "
                + "(bound of 1 keys holding partial matches per rule, 1 in all)"), result.err());
        List<String> alerts = result.out().lines().toList();
        assertEquals(1, alerts.size(), result.out());   // c1's partial match was evicted: no timeout for it
        assertEquals("c2", JSON.readTree(alerts.get(0)).get("key").asText());
    }

    @Test
    void runIsDeterministic() throws IOException {
        Path rules = write("r.cep", RULE);
        Path events = write("e.ndjson", """
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":"2026-11-21T08:00:00Z"}
                {"stream":"payments","card_id":"c1","amount":1.5,"ts":"2026-11-21T08:00:01Z"}
                {"stream":"payments","card_id":"c1","amount":900.0,"ts":"2026-11-21T08:00:02Z"}
                """);
        CliRun first = vigil("run", "--rules", rules.toString(), "--events", events.toString());
        CliRun second = vigil("run", "--rules", rules.toString(), "--events", events.toString());
        assertEquals(1, first.outLines().size(), first.err());
        assertEquals(first.out(), second.out());
    }

    @Test
    void lateEventsGoToTheLateFileWithTheReason() throws IOException {
        Path rules = write("r.cep", RULE);
        Path events = write("e.ndjson", """
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":10000}
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":5000}
                """);
        Path late = dir.resolve("late.ndjson");
        CliRun result = vigil("run", "--rules", rules.toString(), "--events", events.toString(), "--late",
                late.toString(), "--watermark-delay", "2s");
        assertEquals(0, result.exit(), result.err());
        List<String> lines = Files.readAllLines(late);
        assertEquals(1, lines.size());
        JsonNode line = JSON.readTree(lines.get(0));
        assertEquals(2, line.get("line").asLong());
        assertEquals(7_999, line.get("watermark").asLong());
        assertTrue(line.get("reason").asText().contains("watermark delay 2000 ms"), lines.get(0));
        assertTrue(result.err().contains("1 late"), result.err());
    }

    @Test
    void withInputWatermarksOnlyWatermarkLinesMoveTime() throws IOException {
        Path rules = write("r.cep", RULE);
        Path events = write("e.ndjson", """
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":1000}
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":2000}
                {"watermark": 1500}
                {"stream":"payments","card_id":"c1","amount":999.0,"ts":1600}
                {"stream":"payments","card_id":"c1","amount":1.0,"ts":1400}
                """);
        CliRun result = vigil("run", "--rules", rules.toString(), "--events", events.toString(), "--watermarks",
                "input");
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.err().contains("line 5: late event"), result.err());
        assertEquals(1, result.outLines().stream().filter(l -> l.contains("\"kind\":\"timeout\"")).count(),
                result.out());
    }

    @Test
    void explainPrintsTheAutomatonAsTextOrDot() throws IOException {
        Path rules = write("r.cep", RULE);
        CliRun text = vigil("explain", rules.toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().startsWith("rule tiny_then_big\n"), text.out());
        assertTrue(text.out().contains("big"), text.out());
        CliRun dot = vigil("explain", "--dot", rules.toString());
        assertEquals(0, dot.exit(), dot.err());
        assertTrue(dot.out().contains("digraph"), dot.out());
    }

    @Test
    void generateCompletionPrintsABashScriptThatCompletesEveryCommandAndItsOptions() {
        CliRun result = vigil("generate-completion");
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("complete -F _complete_vigil"), result.out());
        for (String command : List.of("check", "run", "serve", "send", "watch", "backtest")) {
            assertTrue(result.out().contains("function _picocli_vigil_" + command + "()"), command);
        }
        assertTrue(result.out().contains("--checkpoint-interval"), "the server's settings are completed");
        assertTrue(vigil("--help").out().contains("generate-completion"), "listed in the help");
    }

    @Test
    void aBadOptionValueIsAUsageErrorNotATrace() throws IOException {
        Path rules = write("r.cep", RULE);
        CliRun result = vigil("run", "--rules", rules.toString(), "--watermark-delay", "soon");
        assertEquals(2, result.exit());
        assertTrue(result.err().contains("'soon' is not a duration"), result.err());
        assertFalse(result.err().contains("at dev.vigil"), result.err());
    }
}
