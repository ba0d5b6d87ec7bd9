package dev.vigil.nfa;

import dev.vigil.nfa.program.RuleProgram;

/** For tests of the engine's internal packages: what a compiled rule runs, which its public shape keeps inside. */
public final class Programs {
    private Programs() {}

    public static RuleProgram of(CompiledRule rule) {
        return rule.program();
    }
}
