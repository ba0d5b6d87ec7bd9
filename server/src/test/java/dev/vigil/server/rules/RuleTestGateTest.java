package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.nfa.CompileLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules folder's deploy gate: a changed file whose tests fail comes out of the scan refused, with the diff. */
class RuleTestGateTest {
    private static final String RULE = """
            RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500;
            TEST big
            GIVEN {
              {"stream":"payments","ts":1000,"card":"c1","amount":900}
            }
            EXPECT {
              {"key":"c1"}
            }
            """;

    @TempDir
    Path folder;

    @Test
    void aChangedFileWhoseTestsFailIsRefusedWithTheDifferenceAtItsTest() throws IOException {
        Files.writeString(folder.resolve("passing.cep"), RULE);
        Files.writeString(folder.resolve("failing.cep"), RULE.replace("\"c1\"}", "\"c2\"}"));
        List<RuleReloader.FileChange> changes = RuleReloader.changes(folder, Map.of(), CompileLimits.DEFAULTS,
                file -> List.of());
        RuleReloader.Changed failing = (RuleReloader.Changed) changes.get(0);
        assertEquals(folder.resolve("failing.cep"), failing.file());
        assertFalse(failing.result().ok());
        assertEquals(List.of(), failing.result().rules(), "nothing of it deploys");
        assertEquals("its tests do not pass", RuleTestGate.why(failing.result()));
        Diagnostic said = failing.result().diagnostics().get(0);
        assertEquals(folder.resolve("failing.cep") + ":2:1: rule test 'big' failed: alert 1 (line 7): key: expected "
                + "\"c2\", got \"c1\"", said.file() + ":" + said.span() + ": " + said.message());
        RuleReloader.Changed passing = (RuleReloader.Changed) changes.get(1);
        assertTrue(passing.result().ok(), passing.result().diagnostics().toString());
        assertFalse(RuleTestGate.refused(passing.result()));
        assertEquals(1, passing.result().rules().size());
    }
}
