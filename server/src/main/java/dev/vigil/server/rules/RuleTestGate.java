package dev.vigil.server.rules;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import dev.vigil.nfa.CompileResult;
import dev.vigil.ruletest.RuleTests;
import dev.vigil.ruletest.TestReport;
import dev.vigil.ruletest.TestResult;
import java.util.List;

/**
 * The deploy gate of rule files read from the rules folder (at start and when it changes): a file deploys only when
 * its tests pass ({@link RuleTests}, under the server's bounds). A file whose tests do not pass is refused as a file
 * with mistakes is: one diagnostic per test at its {@code TEST}, with the differences, which the log shows; its
 * previous rules keep running. {@code POST} and {@code PUT /v1/rules} run the same tests and answer 422 with them.
 */
public final class RuleTestGate {
    private RuleTestGate() {}

    /** {@code result}, or when the tests of {@code text} do not pass, a result of diagnostics saying why. */
    public static CompileResult check(String file, String text, CompileResult result) {
        if (!result.ok()) {
            return result;
        }
        TestReport report = RuleTests.run(text, result, RuleTests.Bounds.SERVER);
        if (report.passed()) {
            return result;
        }
        Diagnostics diagnostics = new Diagnostics(file, text);
        if (report.refused() != null) {
            diagnostics.error(Span.NONE, "the tests were not run: " + report.refused());
        }
        for (TestResult test : report.tests()) {
            if (test.status() != TestResult.Status.PASSED) {
                diagnostics.error(new Span(test.line(), test.column(), 4), "test '" + test.name() + "' "
                        + test.status().word() + ": " + String.join("; ", test.diff()));
            }
        }
        return new CompileResult(List.of(), result.streams(), diagnostics.sorted());
    }
}
