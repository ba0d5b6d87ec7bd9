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

    /** How each diagnostic of the gate begins, so a host can say that tests, not mistakes, refused a file. */
    static final String PREFIX = "rule test ";

    /** True when the gate refused {@code result}: it compiled, and its tests do not pass. */
    public static boolean refused(CompileResult result) {
        return !result.ok() && result.diagnostics().stream().allMatch(d -> d.message().startsWith(PREFIX));
    }

    /** How a log says why a file that is not deployed is not: it does not compile, or its tests do not pass. */
    public static String why(CompileResult result) {
        return refused(result) ? "its tests do not pass" : "does not compile";
    }

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
            diagnostics.error(Span.NONE, PREFIX + "not run: " + report.refused());
        }
        for (TestResult test : report.tests()) {
            if (test.status() != TestResult.Status.PASSED) {
                diagnostics.error(new Span(test.line(), test.column(), 4), PREFIX + "'" + test.name() + "' "
                        + test.status().word() + ": " + String.join("; ", test.diff()));
            }
        }
        return new CompileResult(List.of(), result.streams(), diagnostics.sorted());
    }
}
