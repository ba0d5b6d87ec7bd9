package dev.vigil.dsl;

import java.util.List;
import java.util.stream.Collectors;

/** Rule text that cannot be compiled; carries every diagnostic so callers can show them all. */
public final class RuleSyntaxException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public RuleSyntaxException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::render).collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
