package dev.vigil.nfa.differential;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs generated cases through Flink CEP (the reference) and Vigil and sorts each case into one bin:
 * <ul>
 *   <li><b>agreed</b>: both ran and emitted the same matches, timeouts and late events per key;
 *   <li><b>explained</b>: they disagree, in a case a {@link DocumentedDifference} applies to;
 *   <li><b>rejected by both</b>: Flink refuses the shape and so does Vigil's checker (not compared);
 *   <li><b>failure</b>: anything else — different outputs, a shape only one side refuses, a Vigil crash.
 * </ul>
 * Cases count toward the target only when compared, so a run always compares as many cases as asked.
 *
 * <p><b>Not thread-safe:</b> one run, one thread.
 */
final class DifferentialRun {
    /** Failures printed in full; the rest are listed by seed. */
    private static final int FAILURES_SHOWN = 5;
    private static final int REJECTION_EXAMPLES = 2;

    /** One case that broke the promise, with everything needed to see why and to rerun it. */
    record Failure(long seed, String what, String report) {}

    private final CepUnderTest flink;
    private final CepUnderTest vigil;
    private final Coverage coverage = new Coverage();
    private final List<Failure> failures = new ArrayList<>();
    private final Map<String, Integer> explained = new TreeMap<>();
    private final Map<String, List<String>> explainedExamples = new TreeMap<>();
    private final Map<String, Integer> rejected = new TreeMap<>();
    private final Map<String, Integer> causes = new TreeMap<>();
    private final Map<String, Integer> crashed = new TreeMap<>();
    private final List<Long> tooExpensive = new ArrayList<>();
    private final Map<String, String> crashedExamples = new TreeMap<>();
    private final Map<String, List<String>> rejectedExamples = new LinkedHashMap<>();
    private int generated;
    private int compared;
    private long nanos;
    private long flinkNanos;
    private long vigilNanos;

    DifferentialRun(CepUnderTest flink, CepUnderTest vigil) {
        this.flink = flink;
        this.vigil = vigil;
    }

    /** Runs the cases {@code baseSeed}, {@code baseSeed + 1}, ... until {@code target} were compared. */
    void run(long baseSeed, int target) {
        long start = System.nanoTime();
        for (long seed = baseSeed; compared < target; seed++) {
            runCase(CaseGenerator.generate(seed));
        }
        nanos += System.nanoTime() - start;
    }

    /** Runs one case and returns its full report (also for a case that passes). */
    String runCase(DiffCase diffCase) {
        generated++;
        CepUnderTest.Result expected;
        long flinkStart = System.nanoTime();
        try {
            expected = flink.run(diffCase);
        } catch (Exception e) {
            throw new IllegalStateException("Flink CEP failed on seed " + diffCase.seed(), e);
        }
        flinkNanos += System.nanoTime() - flinkStart;
        if (expected instanceof CepUnderTest.TooExpensive) {
            tooExpensive.add(diffCase.seed());
            return report(diffCase, expected, null);
        }
        CepUnderTest.Result actual;
        long vigilStart = System.nanoTime();
        try {
            actual = vigil.run(diffCase);
            vigilNanos += System.nanoTime() - vigilStart;
        } catch (Exception | Error e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return fail(diffCase, "Vigil threw", expected, null, trace.toString());
        }

        if (expected instanceof CepUnderTest.Crashed flinkCrashed) {
            // Nothing to compare with: count it, show an example, and say what Vigil made of the rule.
            String reason = normalized(flinkCrashed.reason()) + (actual instanceof CepUnderTest.Ran
                    ? " (Vigil runs the rule)" : " (Vigil rejects the rule)");
            crashed.merge(reason, 1, Integer::sum);
            String report = report(diffCase, expected, actual);
            crashedExamples.putIfAbsent(reason, report);
            return report;
        }
        if (expected instanceof CepUnderTest.Rejected flinkRejected) {
            String reason = normalized(flinkRejected.reason());
            if (actual instanceof CepUnderTest.Ran) {
                return fail(diffCase, "Flink rejects the shape, Vigil accepts it", expected, actual,
                        flinkRejected.reason());
            }
            rejected.merge(reason, 1, Integer::sum);
            List<String> examples = rejectedExamples.computeIfAbsent(reason, r -> new ArrayList<>());
            String report = report(diffCase, expected, actual);
            if (examples.size() < REJECTION_EXAMPLES) {
                examples.add(report);
            }
            return report;
        }
        CepUnderTest.Ran flinkRan = (CepUnderTest.Ran) expected;
        if (actual instanceof CepUnderTest.Rejected vigilRejected) {
            DocumentedDifference difference =
                    DocumentedDifference.covering(DocumentedDifference.Kind.REJECTION, diffCase, actual);
            if (difference != null) {
                return explained(difference, report(diffCase, expected, actual));
            }
            return fail(diffCase, "Vigil rejects a shape Flink accepts", expected, actual, vigilRejected.reason());
        }
        CepUnderTest.Ran vigilRan = (CepUnderTest.Ran) actual;
        compared++;
        coverage.record(diffCase, flinkRan.outcome());
        String report = report(diffCase, expected, actual);
        if (flinkRan.outcome().equals(vigilRan.outcome())) {
            return report;
        }
        DocumentedDifference difference =
                DocumentedDifference.covering(DocumentedDifference.Kind.OUTPUT, diffCase, vigilRan);
        if (difference != null) {
            return explained(difference, report);
        }
        return fail(diffCase, "different outputs", expected, actual, null);
    }

    private String explained(DocumentedDifference difference, String report) {
        explained.merge(difference.section(), 1, Integer::sum);
        List<String> examples = explainedExamples.computeIfAbsent(difference.section(), s -> new ArrayList<>());
        if (examples.size() < REJECTION_EXAMPLES) {
            examples.add(report);
        }
        return report;
    }

    private String fail(DiffCase diffCase, String what, CepUnderTest.Result expected, CepUnderTest.Result actual,
            String detail) {
        String cause = detail == null ? what : what + ": " + cause(detail);
        causes.merge(cause, 1, Integer::sum);
        String report = "seed " + diffCase.seed() + ": " + what + "\n" + report(diffCase, expected, actual)
                + (detail == null ? "" : "detail:\n" + detail + "\n");
        failures.add(new Failure(diffCase.seed(), cause, report));
        return report;
    }

    /** Seed, rule text, Flink calls, watermark delay, events and both outputs. */
    static String report(DiffCase diffCase, CepUnderTest.Result flink, CepUnderTest.Result vigil) {
        StringBuilder out = new StringBuilder();
        out.append("rerun: -Dvigil.diff.seed=").append(diffCase.seed()).append('\n');
        if (vigil != null) {
            out.append("rule text:\n").append(indent(rule(vigil))).append('\n');
        }
        out.append("flink pattern:\n").append(indent(rule(flink))).append('\n');
        out.append("watermark delay: ").append(diffCase.watermarkDelayMs()).append(" ms\n");
        out.append("events (arrival order):\n").append(diffCase.eventsText());
        out.append("flink:\n").append(outcome(flink));
        if (vigil != null) {
            out.append("vigil:\n").append(outcome(vigil));
        }
        if (flink instanceof CepUnderTest.Ran flinkRan && vigil instanceof CepUnderTest.Ran vigilRan
                && !flinkRan.outcome().equals(vigilRan.outcome())) {
            out.append("differences:\n").append(flinkRan.outcome().differences(vigilRan.outcome()));
        }
        return out.toString();
    }

    private static String rule(CepUnderTest.Result result) {
        if (result instanceof CepUnderTest.Ran ran) {
            return ran.rule();
        }
        if (result instanceof CepUnderTest.Rejected rejected) {
            return rejected.rule();
        }
        if (result instanceof CepUnderTest.TooExpensive tooExpensive) {
            return tooExpensive.rule();
        }
        return ((CepUnderTest.Crashed) result).rule();
    }

    private static String outcome(CepUnderTest.Result result) {
        if (result instanceof CepUnderTest.Ran ran) {
            return ran.outcome().toString();
        }
        if (result instanceof CepUnderTest.Rejected rejected) {
            return indent("rejected: " + rejected.reason()) + "\n";
        }
        if (result instanceof CepUnderTest.TooExpensive tooExpensive) {
            return indent("abandoned: " + tooExpensive.reason()) + "\n";
        }
        return indent("crashed: " + ((CepUnderTest.Crashed) result).reason()) + "\n";
    }

    /** An example with its very long output lines cut, for the summary (failures are always shown whole). */
    private static String shortened(String report) {
        StringBuilder out = new StringBuilder();
        for (String line : report.split("\n")) {
            out.append(line.length() > 300 ? line.substring(0, 300) + " … (" + line.length() + " chars)" : line)
                    .append('\n');
        }
        return out.toString();
    }

    private static String indent(String text) {
        return "  " + text.strip().replace("\n", "\n  ");
    }

    /** The first line of an error, without positions, quoted names and numbers, so equal causes group together. */
    private static String cause(String detail) {
        String line = detail.strip().lines().findFirst().orElse("");
        return line.replaceAll("^case\\.cep:\\d+:\\d+: ", "").replaceAll("'[^']*'", "'…'").replaceAll("\\d+", "N");
    }

    /** Flink's message without the variable names and quantifier dumps, so equal causes group together. */
    private static String normalized(String reason) {
        return reason.replaceAll("Quantifier\\{[^}]*}", "<quantifier>").replaceAll("\"[a-z]\"|'[a-z]'", "<var>");
    }

    List<Failure> failures() {
        return failures;
    }

    int compared() {
        return compared;
    }

    Coverage coverage() {
        return coverage;
    }

    /** Counts, speed, coverage, Flink-rejected shapes, explained differences and the failures. */
    String summary() {
        StringBuilder out = new StringBuilder();
        double seconds = nanos / 1e9;
        out.append(String.format("differential test: %d cases generated, %d compared, %d failed, %d explained, "
                + "%d rejected by both, %d crashed Flink; %.1f s, %.0f cases/s%n", generated, compared,
                failures.size(), explained.values().stream().mapToInt(Integer::intValue).sum(),
                rejected.values().stream().mapToInt(Integer::intValue).sum(),
                crashed.values().stream().mapToInt(Integer::intValue).sum(), seconds,
                seconds == 0 ? 0 : generated / seconds));
        out.append(String.format("time in Flink CEP (harness included) %.1f s, "
                + "in Vigil (print, parse, compile, run) %.1f s%n", flinkNanos / 1e9, vigilNanos / 1e9));
        out.append("coverage (compared cases per construct):\n").append(coverage.table());
        if (!rejected.isEmpty()) {
            out.append("shapes Flink rejects (and Vigil too), with one example each:\n");
            for (Map.Entry<String, Integer> entry : rejected.entrySet()) {
                out.append(String.format("  %5d  %s%n", entry.getValue(), entry.getKey()));
                out.append(indent(indent(firstRule(rejectedExamples.get(entry.getKey()))))).append('\n');
            }
        }
        if (!tooExpensive.isEmpty()) {
            out.append("not comparable, abandoned past the work budget (").append(tooExpensive.size())
                    .append("): seeds ").append(tooExpensive).append('\n');
        }
        if (!crashed.isEmpty()) {
            out.append("not comparable, Flink throws while running the case:\n");
            for (Map.Entry<String, Integer> entry : crashed.entrySet()) {
                out.append(String.format("  %5d  %s%n", entry.getValue(), entry.getKey()));
                out.append(indent(indent(crashedExamples.get(entry.getKey())))).append('\n');
            }
        }
        if (!explained.isEmpty()) {
            out.append("disagreements explained by docs/semantics.md:\n");
            for (Map.Entry<String, Integer> entry : explained.entrySet()) {
                out.append(String.format("  %5d  %s%n", entry.getValue(), entry.getKey()));
                out.append(indent(indent(shortened(explainedExamples.get(entry.getKey()).get(0))))).append('\n');
            }
        }
        if (!failures.isEmpty()) {
            out.append("FAILURES (").append(failures.size()).append("), the first ")
                    .append(Math.min(FAILURES_SHOWN, failures.size())).append(" in full:\n");
            for (int i = 0; i < failures.size() && i < FAILURES_SHOWN; i++) {
                out.append(failures.get(i).report()).append('\n');
            }
            out.append("failures by cause:\n");
            for (Map.Entry<String, Integer> entry : causes.entrySet()) {
                out.append(String.format("  %5d  %s%n", entry.getValue(), entry.getKey()));
            }
            out.append("all failing seeds:\n");
            for (Failure failure : failures) {
                out.append("  ").append(failure.seed()).append("  ").append(failure.what()).append('\n');
            }
        }
        return out.toString();
    }

    /** The Vigil rule text of an example report (the part Vigil's checker rejected). */
    private static String firstRule(List<String> examples) {
        String example = examples.get(0);
        int start = example.indexOf("rule text:\n");
        int end = example.indexOf("flink pattern:\n");
        String text = start < 0 || end < 0 ? example : example.substring(start + "rule text:\n".length(), end);
        int vigilReason = example.indexOf("vigil:\n");
        return text.strip() + (vigilReason < 0 ? "" : "\n" + example.substring(vigilReason).strip());
    }
}
