package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The long fuzz run of the rule compiler, outside the default build (docs/fuzzing.md, "Rule text"): for
 * {@code vigil.fuzz.minutes} minutes, texts from {@link RuleMutator} with further random mutations stacked on them go
 * through parse, check and compile under the default limits. Each must end without throwing, within
 * {@value #SLOW_MS} ms, with diagnostics inside the text and none an internal error; and each rule that compiles
 * must print back ({@link RulePrinter}) to text that compiles again. Findings are collected with their seeds and
 * reported together at the end.
 *
 * <pre>mvn -B -Pfuzz -pl server -am verify -Dvigil.fuzz.minutes=N [-Dvigil.fuzz.seed=S]</pre>
 */
class RuleParserFuzzRun {
    private static final long SLOW_MS = 5_000;
    private static final int MAX_FINDINGS = 50;

    @Test
    @Timeout(value = 7, unit = TimeUnit.DAYS)   // bounded by vigil.fuzz.minutes instead
    void parseCheckAndCompileSurviveEveryMutation() {
        double minutes = Double.parseDouble(System.getProperty("vigil.fuzz.minutes", "1"));
        long seed0 = Long.getLong("vigil.fuzz.seed", System.currentTimeMillis());
        long deadline = System.nanoTime() + (long) (minutes * 60e9);
        RuleMutator mutator = RuleMutator.ofExamples();
        List<String> findings = new ArrayList<>();
        long texts = 0;
        long compiled = 0;
        long limited = 0;
        long slowestMs = 0;
        for (long seed = seed0; System.nanoTime() < deadline && findings.size() < MAX_FINDINGS; seed++) {
            String text = stack(mutator.text(seed), new Random(~seed));
            texts++;
            long start = System.nanoTime();
            CompileResult result;
            try {
                result = RuleCompiler.compile("fuzz.cep", text);
            } catch (Throwable thrown) {
                found(findings, "seed " + seed + ": threw " + thrown);
                continue;
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            slowestMs = Math.max(slowestMs, ms);
            if (ms > SLOW_MS) {
                found(findings, "seed " + seed + ": took " + ms + " ms for " + text.length() + " characters");
            }
            String problem = problem(text, result);
            if (problem != null) {
                found(findings, "seed " + seed + ": " + problem);
            }
            compiled += result.ok() ? 1 : 0;
            limited += result.diagnostics().stream().anyMatch(d -> d.limit() != null) ? 1 : 0;
        }
        System.out.printf("RuleParserFuzzRun: seeds %d..%d, %d texts, %d compiled, %d refused for a limit, "
                + "slowest %d ms, %d findings%n", seed0, seed0 + texts - 1, texts, compiled, limited, slowestMs,
                findings.size());
        assertTrue(findings.isEmpty(), () -> String.join("\n", findings));
    }

    /** Records a finding and prints it at once, so a run stopped early still shows what it found. */
    private static void found(List<String> findings, String finding) {
        findings.add(finding);
        System.out.println("RuleParserFuzzRun finding: " + (finding.length() > 2_000 ? finding.substring(0, 2_000)
                + "..." : finding));
    }

    /** Up to three more splices, deletions or duplications, so mutations reach places the first round did not. */
    private static String stack(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        for (int i = random.nextInt(4); i > 0 && out.length() > 0; i--) {
            int at = random.nextInt(out.length());
            int end = Math.min(out.length(), at + 1 + random.nextInt(40));
            switch (random.nextInt(3)) {
                case 0 -> out.delete(at, end);
                case 1 -> out.insert(at, out.substring(at, end));
                default -> out.insert(at, out.substring(random.nextInt(out.length())));
            }
        }
        return out.toString();
    }

    /** What is wrong with {@code result} for {@code text}, or null. */
    private static String problem(String text, CompileResult result) {
        int lines = text.split("\n", -1).length;
        for (Diagnostic diagnostic : result.diagnostics()) {
            if (diagnostic.line() < 1 || diagnostic.line() > lines || diagnostic.column() < 1) {
                return "diagnostic outside the text: " + diagnostic.render();
            }
            if (diagnostic.message().contains("internal error")) {
                return diagnostic.render();
            }
        }
        if (!result.ok()) {
            return null;
        }
        List<Rule> rules = new ArrayList<>();
        for (CompiledRule rule : result.rules()) {
            rules.add(rule.source());
        }
        String printed = RulePrinter.print(new RuleFile("fuzz.cep", result.streams(), rules));
        CompileResult again = RuleCompiler.compile("printed.cep", printed);
        if (!again.ok() || again.rules().size() != rules.size()) {
            return "the compiled text prints to text that does not compile the same: " + printed + "\n"
                    + again.diagnostics();
        }
        return null;
    }
}
