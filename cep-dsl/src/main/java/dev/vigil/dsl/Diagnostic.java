package dev.vigil.dsl;

import java.util.List;

/**
 * One mistake in rule text, with the file, position and the source line it occurs on, so that it
 * can be shown to the author with a caret under the offending characters. Diagnostics are values:
 * the parser and checker collect all of them instead of stopping at the first.
 *
 * @param file name of the rule file as the user gave it (for example {@code fraud.cep})
 * @param span where the mistake is
 * @param message what is wrong and, where it helps, what was expected
 * @param sourceLine the full text of the line {@code span.line()}, without its line terminator
 * @param limit the setting whose bound the text exceeds ({@link ParseLimits#NESTING_DEPTH}, ...), or null for a
 *     mistake in the text itself
 */
public record Diagnostic(String file, Span span, String message, String sourceLine, String limit) {
    /** Characters of a long source line shown, and how many of them before the mistake. */
    private static final int MAX_SHOWN = 160;
    private static final int SHOWN_BEFORE = 60;

    /** A mistake in the text itself. */
    public Diagnostic(String file, Span span, String message, String sourceLine) {
        this(file, span, message, sourceLine, null);
    }

    public int line() {
        return span.line();
    }

    public int column() {
        return span.column();
    }

    /** Renders each of {@code diagnostics} ({@link #render}), one after the other, without a last line end. */
    public static String renderAll(List<Diagnostic> diagnostics) {
        StringBuilder out = new StringBuilder();
        for (Diagnostic diagnostic : diagnostics) {
            out.append(out.length() == 0 ? "" : "\n").append(diagnostic.render());
        }
        return out.toString();
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
            // a long line is shown around the mistake, so a one-line text of megabytes is not repeated per mistake
            int from = line.length() <= MAX_SHOWN ? 0 : Math.max(0, Math.min(start - SHOWN_BEFORE,
                    line.length() - MAX_SHOWN));
            int to = Math.min(line.length(), from + MAX_SHOWN);
            String before = from > 0 ? "..." : "";
            String after = to < line.length() ? "..." : "";
            int width = Math.max(1, Math.min(span.length(), Math.max(1, to - start)));
            out.append('\n').append("  | ").append(before).append(line, from, to).append(after);
            out.append('\n').append("  | ").append(" ".repeat(before.length() + start - from))
                    .append("^".repeat(width));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
