package dev.vigil.dsl.ruletest;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the rule tests of a rule file and takes them out of the text the grammar reads. A test is written
 * between statements, starting on a line of its own:
 *
 * <pre>
 * TEST five_failures_then_success
 * GIVEN {
 *   {"stream":"auth","ts":"2026-11-16T03:10:00Z","username":"mia","outcome":"failure"}
 *   ...
 * }
 * EXPECT {
 *   {"rule":"brute_force_login","key":"mia","fields":{"failures":5}}
 * }
 * </pre>
 *
 * <p>Inside the braces each line is one JSON value (NDJSON, as {@code vigil run} reads), a blank line, or a
 * {@code --} comment; a line starting with {@code }} closes the block ({@code GIVEN { }} and {@code EXPECT { }}
 * on one line are empty blocks). The blocks hold JSON, which the rule grammar has no tokens for, so they are cut
 * out before it runs: each is replaced by a {@code ;} (it ends the statement before it) and blanks, line breaks
 * kept, so every position the grammar reports is still the file's.
 *
 * <p>{@code TEST} starts a test where it is the first word of a line outside comments and strings, followed by
 * {@code name GIVEN {}; where a statement may start (at the file's start, after {@code ;} or another test) a
 * {@code TEST} line of another shape is a diagnostic. Elsewhere {@code test} is an ordinary name. Linear in the
 * text; never throws. <b>Thread-safe:</b> stateless.
 */
public final class TestBlocks {
    private TestBlocks() {}

    /**
     * @param ruleText the text with every test block blanked (as long as the input, line breaks in place)
     * @param tests the well-formed test blocks, in order
     */
    public record Read(String ruleText, List<TestBlock> tests) {
        public Read {
            tests = List.copyOf(tests);
        }
    }

    /** The shape a test block has, for diagnostics. */
    static final String SHAPE = "a test reads TEST name GIVEN { one event per line } EXPECT { one alert per line }, "
            + "each brace closing on a line of its own";

    /** Reads the test blocks of {@code text}, reporting malformed ones to {@code diagnostics}. */
    public static Read read(String text, Diagnostics diagnostics) {
        return new Scanner(text, diagnostics).scan();
    }

    private static final class Scanner {
        private final String text;
        private final Diagnostics diagnostics;
        private final char[] out;
        private final List<TestBlock> tests = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private int line = 1;
        private int lineStart;

        Scanner(String text, Diagnostics diagnostics) {
            this.text = text;
            this.diagnostics = diagnostics;
            this.out = text.toCharArray();
        }

        Read scan() {
            int n = text.length();
            int i = 0;
            boolean firstOnLine = true;
            boolean statementMayStart = true;
            while (i < n) {
                char c = text.charAt(i);
                if (c == '\n') {
                    newLine(i);
                    firstOnLine = true;
                    i++;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (text.startsWith("--", i)) {
                    i = lineEnd(i);
                } else if (text.startsWith("/*", i)) {
                    int end = text.indexOf("*/", i + 2);
                    int stop = end < 0 ? n : end + 2;
                    firstOnLine &= advanceLines(i, stop) == 0;
                    i = stop;
                } else if (c == '\'' || c == '`') {
                    i = quoteEnd(i, c);
                    firstOnLine = false;
                    statementMayStart = false;
                } else if (firstOnLine && isWord(i, "test")) {
                    int end = block(i, statementMayStart);
                    if (end < 0) {
                        firstOnLine = false;
                        statementMayStart = false;
                        i += 4;
                    } else {
                        i = end;
                        firstOnLine = false;
                        statementMayStart = true;
                    }
                } else {
                    statementMayStart = c == ';';
                    firstOnLine = false;
                    i = Character.isLetterOrDigit(c) || c == '_' ? wordEnd(i) : i + 1;
                }
            }
            return new Read(new String(out), tests);
        }

        /**
         * Reads the test block at {@code start}; returns where it ends, or -1 when {@code start} does not begin a
         * test (then nothing was reported or blanked). A malformed test is reported and blanked to the end of the
         * text, so the grammar does not report the JSON it holds as well.
         */
        private int block(int start, boolean statementMayStart) {
            int startLine = line;
            int startLineStart = lineStart;
            Span at = span(start, 4);
            int p = skipBlank(start + 4);
            int nameStart = p;
            int nameEnd = nameEnd(p);
            int afterName = skipBlank(nameEnd);
            int open = isWord(afterName, "given") ? skipBlank(afterName + 5) : -1;
            boolean header = nameEnd > nameStart && open >= 0 && text.startsWith("{", open);
            if (!header) {
                line = startLine;
                lineStart = startLineStart;
                if (!statementMayStart) {
                    return -1;
                }
                return malformed(start, at, nameEnd > nameStart ? "expected GIVEN { after the test's name; " + SHAPE
                        : "expected the test's name after TEST; " + SHAPE);
            }
            String name = text.substring(nameStart, nameEnd);
            if (name.startsWith("`")) {
                name = name.substring(1, name.length() - 1).replace("``", "`");
            }
            List<TestBlock.Line> given = new ArrayList<>();
            int end = body(open, "GIVEN", name, given);
            if (end < 0) {
                return blankFrom(start);
            }
            p = skipBlank(end);
            Span expectAt = span(p, 1);   // before looking past EXPECT moves the line count on
            open = isWord(p, "expect") ? skipBlank(p + 6) : -1;
            if (open < 0 || !text.startsWith("{", open)) {
                return malformed(start, expectAt, "expected EXPECT { after the GIVEN block of test '" + name
                        + "'; " + SHAPE);
            }
            List<TestBlock.Line> expect = new ArrayList<>();
            end = body(open, "EXPECT", name, expect);
            if (end < 0) {
                return blankFrom(start);
            }
            int semi = skipSpaces(end);
            if (semi < text.length() && text.charAt(semi) == ';') {
                end = semi + 1;
            }
            if (!names.add(name.toLowerCase())) {
                diagnostics.error(at, "test '" + name + "' is defined twice in this file; give each test its own "
                        + "name");
            }
            tests.add(new TestBlock(name, at, given, expect));
            blank(start, end);
            return end;
        }

        /**
         * Reads the block whose {@code {} is at {@code open} into {@code lines}; returns where its closing
         * {@code }} ends, or -1 after reporting a block that does not close.
         */
        private int body(int open, String what, String test, List<TestBlock.Line> lines) {
            Span at = span(open, 1);
            int p = skipSpaces(open + 1);
            if (p < text.length() && text.charAt(p) == '}') {
                return p + 1;
            }
            if (p < text.length() && text.charAt(p) != '\n' && text.charAt(p) != '\r' && !text.startsWith("--", p)) {
                diagnostics.error(span(p, 1), "start the " + what + " lines of test '" + test + "' on the line "
                        + "after '" + what + " {': " + SHAPE);
                return -1;
            }
            p = lineEnd(p);
            while (p < text.length()) {
                newLine(p);
                int from = p + 1;
                int to = lineEnd(from);
                int first = skipSpaces(from);
                if (first < to && text.charAt(first) == '}') {
                    return first + 1;
                }
                if (first < to && text.charAt(first) != '\r' && !text.startsWith("--", first)) {
                    String lineText = text.substring(from, to);
                    lines.add(new TestBlock.Line(line, lineText.endsWith("\r")
                            ? lineText.substring(0, lineText.length() - 1) : lineText));
                }
                p = to;
            }
            diagnostics.error(at, "the " + what + " block of test '" + test + "' is not closed: end it with a "
                    + "line '}'");
            return -1;
        }

        private int malformed(int start, Span at, String message) {
            diagnostics.error(at, message);
            return blankFrom(start);
        }

        /** Blanks from {@code start} to the end of the text: what follows a malformed test is not read. */
        private int blankFrom(int start) {
            blank(start, text.length());
            return text.length();
        }

        /** Replaces {@code [from, to)} by a {@code ;} and blanks, keeping line breaks. */
        private void blank(int from, int to) {
            for (int i = from; i < to; i++) {
                if (out[i] != '\n' && out[i] != '\r') {
                    out[i] = ' ';
                }
            }
            out[from] = ';';
        }

        /** Skips spaces, line breaks and comments from {@code p}, counting lines. */
        private int skipBlank(int p) {
            while (p < text.length()) {
                char c = text.charAt(p);
                if (c == '\n') {
                    newLine(p);
                    p++;
                } else if (Character.isWhitespace(c)) {
                    p++;
                } else if (text.startsWith("--", p)) {
                    p = lineEnd(p);
                } else if (text.startsWith("/*", p)) {
                    int end = text.indexOf("*/", p + 2);
                    int stop = end < 0 ? text.length() : end + 2;
                    advanceLines(p, stop);
                    p = stop;
                } else {
                    break;
                }
            }
            return p;
        }

        /** Skips spaces and tabs on this line. */
        private int skipSpaces(int p) {
            while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
            return p;
        }

        private int nameEnd(int p) {
            if (p < text.length() && text.charAt(p) == '`') {
                int end = quoteEnd(p, '`');
                return end > p + 2 && text.charAt(end - 1) == '`' ? end : p;
            }
            if (p < text.length() && (Character.isLetter(text.charAt(p)) || text.charAt(p) == '_')) {
                return wordEnd(p);
            }
            return p;
        }

        /** Where a quote opened at {@code p} ends (a doubled quote character stays inside), counting lines. */
        private int quoteEnd(int p, char quote) {
            int i = p + 1;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == quote) {
                    if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                if (c == '\n') {
                    if (quote == '`') {
                        return i;
                    }
                    newLine(i);
                }
                i++;
            }
            return i;
        }

        private boolean isWord(int p, String word) {
            return text.regionMatches(true, p, word, 0, word.length()) && wordEnd(p) == p + word.length();
        }

        private int wordEnd(int p) {
            while (p < text.length() && (Character.isLetterOrDigit(text.charAt(p)) || text.charAt(p) == '_')) {
                p++;
            }
            return p;
        }

        private int lineEnd(int p) {
            int end = text.indexOf('\n', p);
            return end < 0 ? text.length() : end;
        }

        private void newLine(int newlineAt) {
            line++;
            lineStart = newlineAt + 1;
        }

        /** Counts the line breaks in {@code [from, to)} into the position; returns how many there were. */
        private int advanceLines(int from, int to) {
            int count = 0;
            for (int i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) {
                newLine(i);
                count++;
            }
            return count;
        }

        private Span span(int offset, int length) {
            return new Span(line, offset - lineStart + 1, length);
        }
    }
}
