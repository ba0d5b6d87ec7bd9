package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Alternation {@code (b | c)}: what parses, how it prints, and what is refused, where. */
class AlternationCheckerTest {

    @Test
    void alternationsParseAndPrintBack() {
        String text = "RULE r FROM s PATTERN a -> (b | c d+ | (e f)) -> (k | l){2,3}";
        ParseResult result = RuleParser.parse("rules.cep", text);
        assertEquals("", rendered(result));
        assertEquals("a -> (b | c d+ | (e f)) -> (k | l){2,3}",
                RulePrinter.print(result.file().rules().get(0).pattern()));
    }

    @Test
    void aVariableMayRecurInOtherBranchesButNotOnOnePath() {
        assertDiagnostics("RULE r FROM s PATTERN a -> (b c | c b) -> (d | b)", """
                rules.cep:1:48: variable 'b' appears twice in the pattern; Flink CEP needs a unique name per stage: rename one (e.g. b2) and DEFINE it alike
                  | RULE r FROM s PATTERN a -> (b c | c b) -> (d | b)
                  |                                                ^
                """);
    }

    @Test
    void aVariableIsWrittenAlikeInEveryBranch() {
        assertDiagnostics("RULE r FROM s PATTERN a -> (b+ c | b)", """
                rules.cep:1:36: variable 'b' is written 'b+' in one branch and 'b' in another; a variable is written alike in every branch (it is one event, or a list of events, in every alert): rename one
                  | RULE r FROM s PATTERN a -> (b+ c | b)
                  |                                    ^
                """);
    }

    @Test
    void aBranchThatCanMatchNothingIsRefused() {
        assertDiagnostics("RULE r FROM s PATTERN a -> (b | c?) -> d", """
                rules.cep:1:33: branch 'c?' of the alternation can match no event; make the whole alternation optional instead, as in (b | c)?
                  | RULE r FROM s PATTERN a -> (b | c?) -> d
                  |                                 ^^
                """);
    }

    @Test
    void anAlternationCannotBeNegated() {
        assertDiagnostics("RULE r FROM s PATTERN a -> !(b | c) -> d", """
                rules.cep:1:28: only a single variable can be negated, not an alternation: Flink CEP has no negated group patterns
                  | RULE r FROM s PATTERN a -> !(b | c) -> d
                  |                            ^^^^^^^^
                """);
    }

    private static void assertDiagnostics(String text, String expected) {
        assertEquals(expected, rendered(RuleParser.parse("rules.cep", text)));
    }

    private static String rendered(ParseResult result) {
        return result.diagnostics().stream().map(d -> d.render() + "\n").collect(Collectors.joining());
    }
}
