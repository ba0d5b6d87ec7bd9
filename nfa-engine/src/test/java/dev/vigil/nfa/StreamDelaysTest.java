package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One rule for the watermark delay of a stream, used by the engine's clocks and the server's routing. */
class StreamDelaysTest {
    private static final long DEFAULT_MS = 2_000;

    private static List<CompiledRule> compile(String text) {
        CompileResult compiled = RuleCompiler.compile("delays.cep", text);
        assertTrue(compiled.ok(), () -> compiled.diagnostics().toString());
        return compiled.rules();
    }

    @Test
    void aRuleAsksForItsStreamsDeclaredDelayElseTheDefault() {
        CompiledRule rule = compile("""
                STREAM slow (key STRING) WATERMARK DELAY 5 SECONDS;
                RULE r FROM slow, plain PATTERN a b DEFINE a AS slow(key = 'x'), b AS plain(key = 'y')
                """).get(0);
        assertEquals(5_000, StreamDelays.of(rule, "slow", DEFAULT_MS));
        assertEquals(DEFAULT_MS, StreamDelays.of(rule, "plain", DEFAULT_MS));
    }

    @Test
    void aStreamSeveralRulesReadTakesTheLargestDelayAnyOfThemAsksFor() {
        List<CompiledRule> rules = new ArrayList<>(compile("""
                STREAM s (key STRING) WATERMARK DELAY 5 SECONDS;
                STREAM quick (key STRING) WATERMARK DELAY 1 SECOND;
                RULE declared FROM s, quick PATTERN a b DEFINE a AS s(key = 'x'), b AS quick(key = 'y')
                """));
        rules.addAll(compile("""
                RULE undeclared FROM other, s PATTERN a b DEFINE a AS other(key = 'x'), b AS s(key = 'y')
                """));
        Map<String, Long> delays = StreamDelays.merge(rules, DEFAULT_MS);
        assertEquals(Map.of("s", 5_000L, "quick", 1_000L, "other", DEFAULT_MS), delays,
                "a declared delay below the default stands when no other rule reads the stream");
        assertEquals(List.of("s", "quick", "other"), List.copyOf(delays.keySet()), "in the order first read");
        assertEquals(Map.of("s", 7_000L, "quick", 1_000L, "other", 7_000L), StreamDelays.merge(rules, 7_000),
                "an undeclared reader of s asks for the default, which is now the largest");
    }
}
