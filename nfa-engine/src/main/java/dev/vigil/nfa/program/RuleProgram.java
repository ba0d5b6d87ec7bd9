package dev.vigil.nfa.program;

import dev.vigil.nfa.expr.ValueExpression;
import dev.vigil.nfa.expr.WindowSpec;
import java.util.List;

/**
 * What the engine runs of one compiled rule: its NFA and its compiled {@code EMIT} expressions. The internal half
 * of a {@link dev.vigil.nfa.CompiledRule}, which keeps it out of its public shape; built by
 * {@code RuleCompiler}, handed by the engine to the rule's runtime.
 *
 * @param emit the {@code EMIT} fields of match alerts
 * @param timeoutEmit the {@code ON TIMEOUT EMIT} fields, or {@code null} when timeouts are not reported
 * @param windows the conditions' distinct windowed aggregates, in the slot order their nodes read
 *     ({@link dev.vigil.nfa.expr.WindowFrame}); empty for most rules
 */
public record RuleProgram(Nfa nfa, List<EmitField> emit, List<EmitField> timeoutEmit, List<WindowSpec> windows) {

    /** A compiled {@code name = expression}. */
    public record EmitField(String name, ValueExpression expression) {}

    public RuleProgram {
        emit = List.copyOf(emit);
        timeoutEmit = timeoutEmit == null ? null : List.copyOf(timeoutEmit);
        windows = List.copyOf(windows);
    }

    /** A program whose conditions have no windowed aggregates. */
    public RuleProgram(Nfa nfa, List<EmitField> emit, List<EmitField> timeoutEmit) {
        this(nfa, emit, timeoutEmit, List.of());
    }
}
