package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Alternation {@code (b | c)} and {@code PERMUTE(a, b)}: what parses, how it prints, and what is refused, where. */
class AlternationCheckerTest {

    @Test
    void alternationAndPermutationParseAndPrintBack() {
        String text = "RULE r FROM s PATTERN a -> (b | c d+ | (e f)) -> PERMUTE(g, h+, (i j)) -> (k | l){2,3}";
        ParseResult result = RuleParser.parse("rules.cep", text);
        assertEquals("", rendered(result));
        assertEquals("a -> (b | c d+ | (e f)) -> PERMUTE(g, h+, (i j)) -> (k | l){2,3}",
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
    void permuteIsLimitedToSixItems() {
        assertDiagnostics("RULE r FROM s PATTERN PERMUTE(a, b, c, d, e, f, g)", """
                rules.cep:1:23: PERMUTE lists 7 items, more than 6: n items are n! orders (5040 for 7) and the automaton holds each item 2^(n-1) times; split the rule, or group items that keep their order, as in PERMUTE((a b), c)
                  | RULE r FROM s PATTERN PERMUTE(a, b, c, d, e, f, g)
                  |                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                """);
    }

    @Test
    void anAlternationCannotBeNegated() {
        assertDiagnostics("RULE r FROM s PATTERN a -> !(b | c) -> d", """
                rules.cep:1:28: only a single variable can be negated, not an alternation or a permutation: Flink CEP has no negated group patterns
                  | RULE r FROM s PATTERN a -> !(b | c) -> d
                  |                            ^^^^^^^^
                """);
    }

    @Test
    void permuteIsAReservedWord() {
        assertEquals("a -> `permute`", RulePrinter.print(RuleParser.parse("rules.cep",
                "RULE r FROM s PATTERN a -> `permute`").file().rules().get(0).pattern()));
    }

    private static void assertDiagnostics(String text, String expected) {
        assertEquals(expected, rendered(RuleParser.parse("rules.cep", text)));
    }

    private static String rendered(ParseResult result) {
        return result.diagnostics().stream().map(d -> d.render() + "\n").collect(Collectors.joining());
    }
}
