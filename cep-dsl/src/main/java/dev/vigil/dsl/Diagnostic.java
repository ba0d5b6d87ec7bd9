package dev.vigil.dsl;

/**
 * One mistake in rule text, with the file, position and the source line it occurs on, so that it
 * can be shown to the author with a caret under the offending characters. Diagnostics are values:
 * the parser and checker collect all of them instead of stopping at the first.
 *
 * @param file name of the rule file as the user gave it (for example {@code fraud.cep})
 * @param span where the mistake is
 * @param message what is wrong and, where it helps, what was expected
 * @param sourceLine the full text of the line {@code span.line()}, without its line terminator
 */
public record Diagnostic(String file, Span span, String message, String sourceLine) {

    public int line() {
        return span.line();
    }

    public int column() {
        return span.column();
    }

    /**
     * Renders the diagnostic the way {@code vigil check} prints it:
     *
     * <pre>
     * fraud.cep:3:15: unknown variable 'Withdraw'; defined variables are Login, Withdrawal
     *   | PATTERN Login Withdraw{3,} WITHIN 10 MINUTES
     *   |               ^^^^^^^^
     * </pre>
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(file).append(':').append(span.line()).append(':').append(span.column()).append(": ")
                .append(message);
        if (sourceLine != null) {
            String line = sourceLine.replace('\t', ' ');
            int start = Math.min(span.column() - 1, line.length());
            int width = Math.max(1, Math.min(span.length(), Math.max(1, line.length() - start)));
            out.append('\n').append("  | ").append(line);
            out.append('\n').append("  | ").append(" ".repeat(start)).append("^".repeat(width));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
