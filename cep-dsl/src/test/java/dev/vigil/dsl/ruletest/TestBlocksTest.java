package dev.vigil.dsl.ruletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseResult;
import dev.vigil.dsl.RuleParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestBlocksTest {
    private static final String RULE = """
            RULE r FROM s PARTITION BY k PATTERN a b DEFINE a AS x = 1, b AS x = 2 EMIT n = COUNT(a)
            """;

    @Test
    void aTestIsReadWithItsLinesAndCutOutOfTheRuleText() {
        String text = RULE + """
                TEST `two steps`
                GIVEN {
                  {"stream":"s","ts":1,"k":"a","x":1}
                  -- a comment, and a blank line

                  {"stream":"s","ts":2,"k":"a","x":2}
                }
                EXPECT {
                  {"rule":"r","key":"a"}
                };
                test empty GIVEN { } EXPECT { }
                """;
        Diagnostics diagnostics = new Diagnostics("f.cep", text);
        TestBlocks.Read read = TestBlocks.read(text, diagnostics);
        assertTrue(diagnostics.isEmpty(), diagnostics.sorted().toString());
        assertEquals(2, read.tests().size());
        TestBlock first = read.tests().get(0);
        assertEquals("two steps", first.name());
        assertEquals("2:1", first.span().toString());
        assertEquals(List.of(new TestBlock.Line(4, "  {\"stream\":\"s\",\"ts\":1,\"k\":\"a\",\"x\":1}"),
                new TestBlock.Line(7, "  {\"stream\":\"s\",\"ts\":2,\"k\":\"a\",\"x\":2}")), first.given());
        assertEquals(List.of(new TestBlock.Line(10, "  {\"rule\":\"r\",\"key\":\"a\"}")), first.expect());
        TestBlock empty = read.tests().get(1);
        assertEquals("empty", empty.name());
        assertEquals("12:1", empty.span().toString());
        assertEquals(List.of(), empty.given());
        assertEquals(List.of(), empty.expect());
        assertEquals(text.length(), read.ruleText().length());
        assertEquals(text.lines().count(), read.ruleText().lines().count());
        assertTrue(read.ruleText().startsWith(RULE + ";"), read.ruleText());
        assertTrue(read.ruleText().substring(RULE.length() + 1).replace(";", "").isBlank(), read.ruleText());
        assertTrue(RuleParser.parse("f.cep", text).ok());
    }

    @Test
    void aTestAfterARuleWithoutSemicolonEndsIt() {
        String text = RULE + "TEST t GIVEN {}\nEXPECT {}\n" + RULE.replace("RULE r", "RULE r2");
        ParseResult parsed = RuleParser.parse("f.cep", text);
        assertTrue(parsed.ok(), parsed.diagnostics().toString());
        assertEquals(2, parsed.file().rules().size());
    }

    @Test
    void linesCountTheSameWhereverTheHeaderBreaks() {
        String text = RULE + "TEST t\n  GIVEN\n  {\n  {\"ts\":1}\n}\nEXPECT\n{\n  {\"key\":\"a\"}\n}\n"
                + "TEST u GIVEN {}\nEXPECT {}\n";
        Diagnostics diagnostics = new Diagnostics("f.cep", text);
        List<TestBlock> tests = TestBlocks.read(text, diagnostics).tests();
        assertTrue(diagnostics.isEmpty(), diagnostics.sorted().toString());
        assertEquals(5, tests.get(0).given().get(0).number());
        assertEquals(9, tests.get(0).expect().get(0).number());
        assertEquals("11:1", tests.get(1).span().toString());
    }

    @Test
    void testInCommentsStringsAndPatternsIsNotATest() {
        String text = """
                -- TEST t GIVEN {
                /* TEST t GIVEN {
                */
                RULE r FROM s PARTITION BY k PATTERN a
                  test
                  DEFINE a AS x = 'x
                TEST t GIVEN {', test AS x = 2
                """;
        Diagnostics diagnostics = new Diagnostics("f.cep", text);
        TestBlocks.Read read = TestBlocks.read(text, diagnostics);
        assertTrue(diagnostics.isEmpty(), diagnostics.sorted().toString());
        assertEquals(List.of(), read.tests());
        assertEquals(text, read.ruleText());
        assertTrue(RuleParser.parse("f.cep", text).ok(), RuleParser.parse("f.cep", text).diagnostics().toString());
    }

    @Test
    void malformedTestsArePositionedDiagnostics() {
        assertEquals(List.of("2:1: expected GIVEN { after the test's name; " + TestBlocks.SHAPE),
                messages(RULE.strip() + ";\nTEST t EXPECT { }\n"));
        assertEquals(List.of("2:1: expected the test's name after TEST; " + TestBlocks.SHAPE),
                messages(RULE.strip() + ";\nTEST\n"));
        assertEquals(List.of("2:14: the GIVEN block of test 't' is not closed: end it with a line '}'"),
                messages(RULE + "TEST t GIVEN {\n{\"stream\":\"s\"}\n"));
        assertEquals(List.of("2:16: start the GIVEN lines of test 't' on the line after 'GIVEN {': "
                + TestBlocks.SHAPE), messages(RULE + "TEST t GIVEN { {\"ts\":1}\n}\nEXPECT {}\n"));
        assertEquals(List.of("3:3: expected EXPECT { after the GIVEN block of test 't'; " + TestBlocks.SHAPE),
                messages(RULE + "TEST t GIVEN {\n} RULE x\n"));
        assertEquals(List.of("4:1: expected EXPECT { after the GIVEN block of test 't'; " + TestBlocks.SHAPE),
                messages(RULE + "TEST t GIVEN {\n}\nEXPECT\n\n  x\n"), "found by RuleParserFuzzRun: a negative column");
        assertEquals(List.of("4:1: test 'T' is defined twice in this file; give each test its own name"),
                messages(RULE + "TEST t GIVEN {}\nEXPECT {}\nTEST T GIVEN {}\nEXPECT {}\n"));
    }

    @Test
    void aTestStartingMidStatementIsLeftToTheGrammar() {
        List<Diagnostic> diagnostics = RuleParser.parse("f.cep", "RULE r FROM s PARTITION BY k PATTERN a\n"
                + "TEST t EXPECT {}").diagnostics();
        assertEquals(2, diagnostics.get(0).line(), diagnostics.toString());
    }

    private static List<String> messages(String text) {
        return RuleParser.parse("f.cep", text).diagnostics().stream().map(d -> d.span() + ": " + d.message())
                .toList();
    }
}
