package dev.vigil.wire;

/**
 * A quick check that text is certainly not one JSON value (RFC 8259, as {@link JsonTree} reads it with Jackson's
 * defaults): no parser, no exception, no allocation for nesting up to 64 levels.
 *
 * <p>Why: a refused line costs the parser an exception with its message, microseconds for a line of two bytes, so
 * a body of millions of broken lines took seconds to read. The reasons of only the first refused lines are listed
 * ({@code EventFrame.MAX_LISTED_ERRORS}); the others only need to be counted, and this check counts them at the
 * cost of reading their characters once.
 *
 * <p>It errs only one way: {@link #refuses} is true only for text the parser refuses too (a property test holds it
 * to that over mutated and hostile lines), and false for anything it is unsure of (characters outside ASCII
 * between tokens, nesting or numbers beyond the parser's limits), which the parser then decides.
 *
 * <p>It also says in plain words what the first mistake is and where ({@link #mistake}): for the reasons a sender
 * reads, instead of the parser's own terms ({@code START_OBJECT}, {@code CTRL-CHAR, code 31}, start markers).
 *
 * <p><b>Thread-safe:</b> stateless.
 */
final class JsonSyntax {
    private JsonSyntax() {
    }

    /** True when {@code text} is certainly not exactly one JSON value with optional white space around it. */
    static boolean refuses(String text) {
        Reader reader = new Reader(text, false);
        try {
            reader.whiteSpace();
            reader.value();
            reader.whiteSpace();
            return reader.at < text.length() && text.charAt(reader.at) < 0x80;   // something after the value
        } catch (Broken broken) {
            return !reader.unsure;
        }
    }

    /**
     * The first mistake that makes {@code text} not one JSON value, with its offset (from 0); null when there is
     * none, or when the parser decides (see {@link #refuses}): then its own reason has to do.
     */
    static Mistake mistake(String text) {
        Reader reader = new Reader(text, true);
        try {
            reader.whiteSpace();
            reader.value();
            int end = reader.at;
            reader.whiteSpace();
            if (reader.at < text.length() && text.charAt(reader.at) < 0x80) {
                return reader.trailing(end);
            }
            return null;
        } catch (Broken broken) {
            return reader.unsure ? null : reader.mistake();
        }
    }

    /**
     * {@code column 7}, or {@code line 2, column 7} in a text of several lines: where {@code offset} is, both from 1,
     * in characters.
     */
    static String where(String text, int offset) {
        int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
        if (text.indexOf('\n') < 0) {
            return "column " + (offset + 1);
        }
        int line = 1;
        for (int i = 0; i < lineStart; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return "line " + line + ", column " + (offset - lineStart + 1);
    }

    /**
     * A mistake in JSON text: where ({@code offset} from 0) and what, in plain words; {@code trailing} when a whole
     * value is followed by more text, {@code unclosed} when the text ends inside an object or array.
     */
    record Mistake(int offset, String message, boolean trailing, boolean unclosed) {
        Mistake(int offset, String message) {
            this(offset, message, false, false);
        }
    }

    /** Thrown to unwind at the first certain mistake; shared, without a stack trace, so it costs nothing. */
    private static final class Broken extends RuntimeException {
        static final Broken INSTANCE = new Broken();

        private Broken() {
            super(null, null, false, false);
        }
    }

    /** What was expected where a mistake is found; each says it in the words of a message. */
    private static final String A_VALUE = "a value (a string in double quotes, a number, an object, an array, true, "
            + "false or null)";
    private static final String A_NAME = "a field name in double quotes";
    private static final String A_COLON = "':' after the field name";
    private static final String OBJECT_GOES_ON = "',' or '}' after the field's value";
    private static final String ARRAY_GOES_ON = "',' or ']' after the element";
    private static final String A_DIGIT = "a digit";
    private static final String NUMBER_END = "the end of the number";

    /** Mistakes that are not "expected this, found that"; {@link Reader#mistake} words them. */
    private enum Kind { EXPECTED, UNKNOWN_WORD, CONTROL_IN_STRING, BAD_ESCAPE, BAD_UNICODE_ESCAPE, UNCLOSED_STRING,
        LEADING_ZERO }

    /**
     * A recursive-descent reader of one text; {@code unsure} is set where the parser may decide otherwise. When
     * {@code describing}, it also keeps where each open object or array began, for {@link #mistake}.
     */
    private static final class Reader {
        private static final int MAX_DEPTH = 64;   // deeper: left to the parser (its limit is 1,000)

        final String text;
        int at;
        boolean unsure;
        private int depth;
        /** Where each open object or array began, by depth; only when describing. */
        private final int[] opened;
        private Kind kind = Kind.EXPECTED;
        /** What was expected at {@code at}, for {@link Kind#EXPECTED}; a constant. */
        private String expected;
        /** Where the string or number that holds the mistake starts. */
        private int startedAt;

        Reader(String text, boolean describing) {
            this.text = text;
            this.opened = describing ? new int[MAX_DEPTH + 1] : null;
        }

        void value() {
            if (at >= text.length()) {
                fail(A_VALUE);
            }
            char c = text.charAt(at);
            if (c == '{') {
                nested(true);
            } else if (c == '[') {
                nested(false);
            } else if (c == '"') {
                string();
            } else if (c == '-' || c >= '0' && c <= '9') {
                number();
            } else if (c == 't') {
                literal("true");
            } else if (c == 'f') {
                literal("false");
            } else if (c == 'n') {
                literal("null");
            } else if (c < 0x80 && Character.isLetter(c)) {
                broken(Kind.UNKNOWN_WORD);   // NaN, True, an unquoted string
            } else {
                fail(A_VALUE);
            }
        }

        private void nested(boolean object) {
            if (++depth > MAX_DEPTH) {
                unsure = true;
                throw Broken.INSTANCE;
            }
            if (opened != null) {
                opened[depth] = at;
            }
            char close = object ? '}' : ']';
            at++;
            whiteSpace();
            if (peek() == close) {
                at++;
                depth--;
                return;
            }
            while (true) {
                if (object) {
                    if (peek() != '"') {
                        fail(A_NAME);
                    }
                    string();
                    whiteSpace();
                    if (peek() != ':') {
                        fail(A_COLON);
                    }
                    at++;
                    whiteSpace();
                }
                value();
                whiteSpace();
                char next = peek();
                if (next == close) {
                    at++;
                    depth--;
                    return;
                }
                if (next != ',') {
                    fail(object ? OBJECT_GOES_ON : ARRAY_GOES_ON);
                }
                at++;
                whiteSpace();
            }
        }

        private void string() {
            startedAt = at++;   // the opening quote
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == '"') {
                    at++;
                    return;
                }
                if (c < 0x20) {
                    broken(Kind.CONTROL_IN_STRING);   // control characters must be escaped
                }
                if (c == '\\') {
                    if (at + 1 >= text.length()) {
                        break;
                    }
                    char escaped = text.charAt(at + 1);
                    if (escaped == 'u') {
                        for (int i = 2; i < 6; i++) {
                            if (at + i >= text.length() || Character.digit(text.charAt(at + i), 16) < 0) {
                                broken(Kind.BAD_UNICODE_ESCAPE);
                            }
                        }
                        at += 6;
                        continue;
                    }
                    if ("\"\\/bfnrt".indexOf(escaped) < 0) {
                        broken(Kind.BAD_ESCAPE);
                    }
                    at += 2;
                    continue;
                }
                at++;
            }
            at = text.length();
            broken(Kind.UNCLOSED_STRING);   // no closing quote
        }

        private void number() {
            startedAt = at;
            if (peek() == '-') {
                at++;
            }
            if (peek() == '0') {
                at++;
            } else if (digits() == 0) {
                expect(A_DIGIT);
            }
            if (peek() == '.') {
                at++;
                if (digits() == 0) {
                    expect(A_DIGIT);
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                if (digits() == 0) {
                    expect(A_DIGIT);
                }
            }
            char after = peek();
            if (!(after == 0 || after == ',' || after == ']' || after == '}' || isWhiteSpace(after))) {
                if (after >= '0' && after <= '9') {
                    at = startedAt;
                    broken(Kind.LEADING_ZERO);   // "01"
                }
                if (after < 0x80 && Character.isLetter(after)) {
                    at = startedAt;
                    broken(Kind.UNKNOWN_WORD);   // "1a", "-Infinity"
                }
                fail(NUMBER_END);
            }
        }

        private int digits() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            return at - start;
        }

        private void literal(String word) {
            int start = at;
            if (!text.startsWith(word, at)) {
                broken(Kind.UNKNOWN_WORD);
            }
            at += word.length();
            char after = peek();
            if (!(after == 0 || after == ',' || after == ']' || after == '}' || isWhiteSpace(after))) {
                if (after >= 0x80) {
                    fail(A_VALUE);   // left to the parser
                }
                at = start;
                broken(Kind.UNKNOWN_WORD);   // "truex"
            }
        }

        void whiteSpace() {
            while (at < text.length() && isWhiteSpace(text.charAt(at))) {
                at++;
            }
        }

        /** The next character, or 0 at the end (a NUL in the text is refused wherever it stands outside strings). */
        private char peek() {
            return at < text.length() ? text.charAt(at) : 0;
        }

        /**
         * The text at {@code at} is not {@code what}: certain for ASCII and at the end, left to the parser for
         * anything beyond ASCII.
         */
        private void fail(String what) {
            if (at < text.length() && text.charAt(at) >= 0x80) {
                unsure = true;
            }
            expect(what);
        }

        /** The text at {@code at} is certainly not {@code what}. */
        private void expect(String what) {
            expected = what;
            throw Broken.INSTANCE;
        }

        /** A certain mistake of {@code kind} at {@code at}. */
        private void broken(Kind mistake) {
            kind = mistake;
            throw Broken.INSTANCE;
        }

        /** After a {@link Broken}: the mistake in words. */
        Mistake mistake() {
            switch (kind) {
                case UNKNOWN_WORD:
                    return new Mistake(at, unknownWord());
                case CONTROL_IN_STRING:
                    return new Mistake(at, "the control character " + codePoint(text.charAt(at)) + " must be "
                            + "escaped inside a string (\\n, \\t, \\u00XX)");
                case BAD_ESCAPE:
                    return new Mistake(at, "'\\" + text.charAt(at + 1) + "' is no escape JSON knows (\\\", \\\\, "
                            + "\\/, \\b, \\f, \\n, \\r, \\t, \\uXXXX)");
                case BAD_UNICODE_ESCAPE:
                    return new Mistake(at, "'\\u' must be followed by four hexadecimal digits");
                case UNCLOSED_STRING:
                    return new Mistake(at, "the string that starts at " + where(text, startedAt) + " is not closed: "
                            + "the input ends before its closing '\"'");
                case LEADING_ZERO:
                    return new Mistake(at, "a number may not start with 0 followed by more digits ('" + word()
                            + "')");
                default:
                    break;
            }
            if (at >= text.length()) {
                String ends = "the input ends where " + expected + " was expected";
                return depth == 0 ? new Mistake(at, ends) : new Mistake(at, "the "
                        + (text.charAt(opened[depth]) == '{' ? "object" : "array") + " that starts at "
                        + where(text, opened[depth]) + " is not closed: " + ends, false, true);
            }
            char c = text.charAt(at);
            String found = Character.isLetter(c) ? "'" + word() + "'" : c < 0x20 || c == 0x7F
                    ? "the control character " + codePoint(c) : "'" + c + "'";
            String hint = c == '\'' ? " (JSON takes double quotes)"
                    : expected == A_NAME && c == '}' ? " (JSON allows no ',' before '}')"
                    : expected == A_VALUE && c == ']' ? " (JSON allows no ',' before ']')"
                    : expected == A_NAME && Character.isLetter(c) ? " (a field name takes double quotes)" : "";
            return new Mistake(at, "expected " + expected + ", found " + found + hint);
        }

        /** The value ended at {@code end}, and more text follows at {@code at}. */
        Mistake trailing(int end) {
            char c = text.charAt(at);
            String more = c == '{' || c == '[' ? "another JSON value" : "more text (" + (Character.isLetter(c)
                    ? "'" + word() + "'" : c < 0x20 ? codePoint(c) : "'" + c + "'") + ")";
            return new Mistake(at, more + " follows the value that ends at " + where(text, end - 1), true, false);
        }

        /** An unknown word where a value should be: NaN, Infinity, True, undefined, an unquoted string. */
        private String unknownWord() {
            String word = word();
            String hint = word.equals("NaN") || word.endsWith("Infinity") ? " (JSON has no NaN or Infinity)"
                    : word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false") || word.equalsIgnoreCase("null")
                    ? " (JSON writes it in lower case)" : " (a string takes double quotes)";
            return "expected " + A_VALUE + ", found '" + word + "'" + hint;
        }

        /** The letters, digits and signs from {@code at} on (at least one character), at most 20 of them. */
        private String word() {
            int end = at + 1;
            while (end < text.length() && end - at < 20 && (Character.isLetterOrDigit(text.charAt(end))
                    || "_-+.".indexOf(text.charAt(end)) >= 0)) {
                end++;
            }
            return text.substring(at, Math.min(end, text.length()));
        }

        private static String codePoint(char c) {
            return String.format("U+%04X", (int) c);
        }

        private static boolean isWhiteSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r';
        }
    }
}
