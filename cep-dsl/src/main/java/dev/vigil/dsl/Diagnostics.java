package dev.vigil.dsl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the diagnostics of one rule file, attaching the file name and the source line each one points
 * at. Shared by the syntax listener, the AST builder and the checker so that all of them report the same
 * way; public so that a host checking more of a rule text than the language does (the engine's compile bounds,
 * the server's sink names) reports its findings the same way too. <b>Not thread-safe:</b> one instance per
 * rule text checked.
 */
public final class Diagnostics {
    /**
     * Longer messages are cut: messages quote the text (names, stages), and a quote of a huge name must not make
     * every diagnostic about it huge.
     */
    static final int MAX_MESSAGE_CHARS = 2_000;

    private final String fileName;
    private final String[] lines;
    private final Set<Diagnostic> found = new LinkedHashSet<>();

    public Diagnostics(String fileName, String text) {
        this.fileName = fileName;
        // ANTLR counts lines by '\n' only; split the same way so line numbers agree.
        this.lines = text.split("\n", -1);
    }

    /** Records a mistake at {@code span}; the same message at the same place is kept once. */
    public void error(Span span, String message) {
        found.add(new Diagnostic(fileName, span, bounded(message), line(span.line())));
    }

    /** Records that the text exceeds the bound of setting {@code limit} at {@code span}. */
    public void exceeded(Span span, String message, String limit) {
        found.add(new Diagnostic(fileName, span, bounded(message), line(span.line()), limit));
    }

    private static String bounded(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message
                : message.substring(0, MAX_MESSAGE_CHARS) + "... (" + (message.length() - MAX_MESSAGE_CHARS)
                        + " more characters)";
    }

    /** Text of the 1-based line {@code number} without its terminator, or "" past the end. */
    public String line(int number) {
        if (number < 1 || number > lines.length) {
            return "";
        }
        String line = lines[number - 1];
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    /** Every diagnostic so far, in source order (line, then column); ties keep the order reported. */
    public List<Diagnostic> sorted() {
        List<Diagnostic> out = new ArrayList<>(found);
        out.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
        return out;
    }
}
