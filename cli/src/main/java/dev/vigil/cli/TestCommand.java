package dev.vigil.cli;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.ruletest.RuleTests;
import dev.vigil.ruletest.TestReport;
import dev.vigil.ruletest.TestResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil test FILE...}: runs the {@code TEST} blocks of rule files ({@link RuleTests}), each file's tests on
 * its own rules, and prints one line per test with the differences of those that fail. No bound but the machine's:
 * the server bounds the tests it runs on a deploy, this command runs any.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run the tests of rule files: blocks TEST name GIVEN { events, one JSON line each } EXPECT "
                + "{ alerts, one JSON line each, with the fields to compare }. Each test runs on a fresh engine "
                + "holding the file's rules, in event time; the end of GIVEN ends the input as the end of a file "
                + "ends vigil run's.",
            "Prints PASS, FAIL or INVALID, the file:line:column and the name of each test, and under a test that "
                + "did not pass how the alerts differ (by position) or which lines are wrong."},
        footer = {"", "Exit status: 0 every test passed; 1 a test failed; 2 bad input: a file that cannot be read or "
                + "has mistakes, or a test with a line that is not an event or an alert."})
final class TestCommand implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Mixin
    CompileLimitOptions compileLimits;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rule files (.cep or .sql) with TEST blocks.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompileLimits limits = compileLimits.limits(err, "test");
        if (limits == null) {
            return Vigil.EXIT_USAGE;
        }
        boolean bad = false;
        boolean failed = false;
        long[] counts = new long[TestResult.Status.values().length];
        List<String> unreadable = new ArrayList<>();
        for (Path file : files) {
            String text = RuleFiles.read(file, unreadable);
            if (text == null) {
                err.println("vigil test: " + unreadable.get(unreadable.size() - 1));
                bad = true;
                continue;
            }
            CompileResult compiled = RuleCompiler.compile(file.toString(), text, limits);
            if (!compiled.ok()) {
                err.print(Diagnostic.renderAll(compiled.diagnostics()));
                err.println();
                bad = true;
                continue;
            }
            TestReport report = RuleTests.run(text, compiled, RuleTests.Bounds.NONE);
            if (report.tests().isEmpty()) {
                err.println("vigil test: " + file + " has no TEST block");
            }
            out.print(report.render(file.toString()));
            for (TestResult test : report.tests()) {
                counts[test.status().ordinal()]++;
            }
            bad |= report.count(TestResult.Status.INVALID) > 0;
            failed |= report.count(TestResult.Status.FAILED) > 0;
        }
        out.flush();
        err.println("vigil test: " + counts[TestResult.Status.PASSED.ordinal()] + " passed, "
                + counts[TestResult.Status.FAILED.ordinal()] + " failed, " + counts[TestResult.Status.INVALID.ordinal()]
                + " invalid in " + files.size() + " file(s)");
        return bad ? EXIT_BAD_INPUT : failed ? EXIT_FAILED : 0;
    }
}
