package dev.vigil.dsl;

/**
 * A place in rule text: 1-based line and column of the first character, and the number of characters
 * it covers on that line (at least 1). Every AST node carries one so that later stages can report
 * errors where the author wrote the construct.
 */
public record Span(int line, int column, int length) {
    public static final Span NONE = new Span(1, 1, 1);

    public Span {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("span " + line + ":" + column + " is not 1-based");
        }
        length = Math.max(1, length);
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
