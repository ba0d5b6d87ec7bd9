package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil test}: one line per test, the differences under a failed one, and the exit status. */
class TestCommandTest {
    private static final String RULE = """
            RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500 EMIT amount = b.amount;
            TEST big_payment
            GIVEN {
              {"stream":"payments","ts":"2026-11-16T10:00:00Z","card":"c1","amount":900}
            }
            EXPECT {
              {"rule":"big","key":"c1","end":"2026-11-16T10:00:00Z","fields":{"amount":900}}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void allPassingIsExitZeroWithALinePerTest() throws IOException {
        CliRun run = CliRun.of("test", write("ok.cep", RULE));
        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of("PASS " + dir.resolve("ok.cep") + ":2:1 test big_payment (1 event, 1 alert)"),
                run.outLines());
        assertEquals("vigil test: 1 passed, 0 failed, 0 invalid in 1 file(s)\n", run.err());
    }

    @Test
    void aFailedTestIsExitOneWithTheDifference() throws IOException {
        CliRun run = CliRun.of("test", write("ok.cep", RULE), write("wrong.cep", RULE.replace(":900}}", ":901}}")));
        assertEquals(TestCommand.EXIT_FAILED, run.exit(), run.err());
        assertEquals(List.of("PASS " + dir.resolve("ok.cep") + ":2:1 test big_payment (1 event, 1 alert)",
                "FAIL " + dir.resolve("wrong.cep") + ":2:1 test big_payment (1 event, 1 alert)",
                "    alert 1 (line 7): fields.amount: expected 901, got 900"), run.outLines());
        assertTrue(run.err().contains("1 passed, 1 failed, 0 invalid in 2 file(s)"), run.err());
    }

    @Test
    void badInputIsExitTwo() throws IOException {
        CliRun badJson = CliRun.of("test", write("bad.cep", RULE.replace("\"card\":\"c1\"", "\"card\":c1")),
                write("ok.cep", RULE.replace(":900}}", ":901}}")));
        assertEquals(TestCommand.EXIT_BAD_INPUT, badJson.exit(), "bad input wins over a failure: " + badJson.err());
        assertEquals("INVALID " + dir.resolve("bad.cep") + ":2:1 test big_payment (0 events, 0 alerts)",
                badJson.outLines().get(0));
        assertTrue(badJson.outLines().get(1).startsWith("    line 4: GIVEN line: invalid JSON, column 59"),
                badJson.out());

        CliRun malformed = CliRun.of("test", write("malformed.cep", RULE.replace("EXPECT {", "EXPECTED {")));
        assertEquals(TestCommand.EXIT_BAD_INPUT, malformed.exit());
        assertTrue(malformed.err().startsWith(dir.resolve("malformed.cep") + ":6:1: expected EXPECT { after the GIVEN "
                + "block of test 'big_payment'"), malformed.err());

        CliRun missing = CliRun.of("test", dir.resolve("none.cep").toString());
        assertEquals(TestCommand.EXIT_BAD_INPUT, missing.exit());
        assertTrue(missing.err().startsWith("vigil test: " + dir.resolve("none.cep") + ": no such file"),
                missing.err());
    }

    private String write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }
}
