package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil run} and {@code vigil check} take {@code .sql} rule files (MATCH_RECOGNIZE): the card-testing example
 * written in SQL ({@code docs/examples/card-testing.sql}) gives exactly the golden alerts of its {@code .cep} form,
 * severity aside, and a mistake in a {@code .sql} file is reported at its line and column.
 */
class SqlRuleFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path scratch;

    @Test
    void theSqlFormOfAnExampleGivesItsGoldenAlerts() throws IOException {
        Path root = root();
        Path example = root.resolve("rules-examples/card-testing");
        CliRun run = CliRun.of("run", "--rules", root.resolve("docs/examples/card-testing.sql").toString(),
                "--events", example.resolve("events.ndjson").toString());
        assertEquals(0, run.exit(), run.err());
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(example.resolve("expected-alerts.ndjson"), StandardCharsets.UTF_8)) {
            ObjectNode alert = (ObjectNode) JSON.readTree(line);
            alert.set("severity", NullNode.getInstance());   // SQL has no place for one
            expected.add(alert);
        }
        List<JsonNode> actual = new ArrayList<>();
        for (String line : run.outLines()) {
            actual.add(JSON.readTree(line));
        }
        assertEquals(3, expected.size());
        assertEquals(expected, actual);
    }

    @Test
    void checkPlacesMistakesInTheSqlFile() throws IOException {
        Path rule = scratch.resolve("bad.sql");
        Files.writeString(rule, """
                CREATE VIEW r AS SELECT * FROM s MATCH_RECOGNIZE (
                  ORDER BY ts
                  PATTERN (A B+)
                  DEFINE B AS B.amount > A.amount);
                """);
        CliRun run = CliRun.of("check", rule.toString());
        assertEquals(1, run.exit(), run.out() + run.err());
        assertTrue(run.err().contains(rule + ":3:15: greedy quantifiers are not allowed as the last element of a "
                + "pattern"), run.err());
    }

    @Test
    void aSqlFileCarriesItsOwnTests() {
        CliRun run = CliRun.of("test", root().resolve("docs/examples/card-testing.sql").toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("PASS ") && run.out().contains("test three_probes_then_big"), run.out());
    }

    @Test
    void checkPrintsTheRulesASqlFileTranslatesTo() {
        CliRun run = CliRun.of("check", "--print", root().resolve("docs/examples/card-testing.sql").toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("""
                RULE card_testing
                  FROM payments
                  PARTITION BY card_id
                  PATTERN probe{3,} CONSECUTIVE -> big
                  WITHIN 10 MINUTES
                """), run.out());
        assertTrue(run.out().endsWith("ok: 1 rule(s) in 1 file(s)\n"), run.out());
    }

    private static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("rules-examples"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no rules-examples folder above " + Path.of("").toAbsolutePath());
    }
}
