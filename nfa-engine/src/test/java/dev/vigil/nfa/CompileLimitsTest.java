package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.Diagnostic;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * No rule text can exhaust the compiler: counts, nesting, NFA size and time are bounded ({@link CompileLimits}),
 * and each refusal is one diagnostic at the rule naming the limit. The rules here took minutes, gigabytes or a
 * stack overflow before the limits; the bounded timeouts make such a regression fail instead of hanging the build.
 */
class CompileLimitsTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void hugeCountsAreRefusedAtOnce() {
        for (String count : new String[] {"{100000}", "{1000000}", "{2147483647,}", "{1,2147483647}"}) {
            Diagnostic only = only(compile("RULE r FROM s PATTERN fail" + count + " DEFINE fail AS ok = false"));
            assertEquals(CompileLimits.REPEAT_COUNT, only.limit(), only::render);
            assertEquals(27, only.column());
        }
    }

    @Test
    void nfaStatesAreBoundedPerRule() {
        // every count is within maxRepeatCount, but a repeated group repeats its body: a million states
        Diagnostic only = only(compile("RULE r FROM s PATTERN x -> (a{1000} b){1000}"));
        assertEquals(CompileLimits.NFA_STATES, only.limit(), only::render);
        assertEquals("r.cep:1:6: rule 'r' compiles to more than 10000 NFA states (maxNfaStates): Flink CEP makes one"
                + " state per stage and per repetition of a counted quantifier, and groups repeat their bodies; use "
                + "fewer stages or lower counts (+ and * loop in one state)", only.render().lines().findFirst()
                .orElseThrow());
        // and the rule before it in the same text still compiles
        CompileResult two = compile("RULE fine FROM s PATTERN a{1000};\nRULE big FROM s PATTERN x (a{1000}){11}");
        assertEquals(1, two.rules().size());
        assertEquals(2, only(two).line());
    }

    @Test
    void nfaTransitionsAreBoundedPerRule() {
        CompileLimits tight = new CompileLimits(128, 1000, 10_000, 40, 5_000);
        Diagnostic only = only(RuleCompiler.compile("r.cep", "RULE r FROM s PATTERN a -> b{20}", tight));
        assertEquals(CompileLimits.NFA_TRANSITIONS, only.limit(), only::render);
        assertTrue(only.message().contains("more than 40 NFA transitions"), only::render);
        assertTrue(RuleCompiler.compile("r.cep", "RULE r FROM s PATTERN a -> b{5}", tight).ok());
    }

    @Test
    void compileTimeIsBoundedPerRuleByTheDeadline() {
        AtomicLong nanos = new AtomicLong();
        CompileLimits limits = new CompileLimits(128, 1000, 10_000, 50_000, 1_000);
        // each reading of this clock is a second later: the first check after the budget was made is past its end
        CompileResult result = RuleCompiler.compile("r.cep", "RULE quick FROM s PATTERN a b;\n"
                + "RULE slow FROM s PATTERN a{1000}", limits, () -> nanos.getAndAdd(1_000_000_000L));
        assertEquals(1, result.rules().size());
        assertEquals("quick", result.rules().get(0).name());
        Diagnostic only = only(result);
        assertEquals(CompileLimits.COMPILE_TIMEOUT, only.limit(), only::render);
        assertEquals(2, only.line());
        assertTrue(only.message().startsWith("rule 'slow' took more than 1000 ms to compile (compileTimeout)"),
                only::render);
    }

    @Test
    void nestingTooDeepForTheThreadsStackIsADiagnosticNotAStackOverflow() throws InterruptedException {
        // a limit set far too high for the stack: the compile still ends with a diagnostic
        CompileLimits unwise = new CompileLimits(1_000_000, 1000, 10_000, 50_000, 5_000);
        String rule = "RULE r FROM s PATTERN a DEFINE a AS " + "abs(".repeat(20_000) + "x" + ")".repeat(20_000)
                + " > 1";
        CompileResult[] result = new CompileResult[1];
        Throwable[] thrown = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                result[0] = RuleCompiler.compile("r.cep", rule, unwise);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();
        assertEquals(null, thrown[0]);
        assertEquals(CompileLimits.NESTING_DEPTH, only(result[0]).limit(), () -> only(result[0]).render());
    }

    private static CompileResult compile(String text) {
        return assertTimeoutPreemptively(BOUND, () -> RuleCompiler.compile("r.cep", text));
    }

    private static Diagnostic only(CompileResult result) {
        assertEquals(1, result.diagnostics().size(), result.diagnostics()::toString);
        return result.diagnostics().get(0);
    }
}
