package dev.vigil.ruletest;

import java.util.List;

/**
 * The results of the tests of one rule file, in the file's order.
 *
 * @param refused why the tests were not run at all (they hold more events than allowed), or {@code null}
 */
public record TestReport(List<TestResult> tests, String refused) {
    public TestReport {
        tests = List.copyOf(tests);
    }

    /** True when the tests ran and every one passed (a file without tests passes). */
    public boolean passed() {
        return refused == null && count(TestResult.Status.PASSED) == tests.size();
    }

    public long count(TestResult.Status status) {
        return tests.stream().filter(test -> test.status() == status).count();
    }

    /**
     * One line per test ({@code PASS file:3:1 name (4 events, 1 alert)}, {@code FAIL ...}, {@code INVALID ...}),
     * each not passed followed by its differences indented, as {@code vigil test} prints them and a refused deploy
     * logs them.
     */
    public String render(String file) {
        StringBuilder out = new StringBuilder();
        if (refused != null) {
            return out.append("REFUSED ").append(file).append(": ").append(refused).append('\n').toString();
        }
        for (TestResult test : tests) {
            String word = test.status() == TestResult.Status.PASSED ? "PASS"
                    : test.status() == TestResult.Status.FAILED ? "FAIL" : "INVALID";
            out.append(word).append(' ').append(file).append(':').append(test.line()).append(':')
                    .append(test.column()).append(" test ").append(test.name()).append(" (").append(test.events())
                    .append(test.events() == 1 ? " event, " : " events, ").append(test.alerts())
                    .append(test.alerts() == 1 ? " alert)" : " alerts)").append('\n');
            for (String difference : test.diff()) {
                out.append("    ").append(difference).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code 3 passed, 1 failed, 0 invalid}. */
    public String summary() {
        return count(TestResult.Status.PASSED) + " passed, " + count(TestResult.Status.FAILED) + " failed, "
                + count(TestResult.Status.INVALID) + " invalid";
    }
}
