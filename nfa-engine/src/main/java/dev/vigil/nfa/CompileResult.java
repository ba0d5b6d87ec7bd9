package dev.vigil.nfa;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.ast.StreamDecl;
import java.util.List;

/**
 * The rules of one file compiled for the engine, with the file's stream declarations (hosts validate events
 * against them), or the diagnostics explaining why the file could not be compiled.
 */
public record CompileResult(List<CompiledRule> rules, List<StreamDecl> streams, List<Diagnostic> diagnostics) {
    public CompileResult {
        rules = List.copyOf(rules);
        streams = List.copyOf(streams);
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
        return diagnostics.isEmpty();
    }
}
