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
 * <p><b>Thread-safe:</b> stateless.
 */
final class JsonSyntax {
    private JsonSyntax() {
    }

    /** True when {@code text} is certainly not exactly one JSON value with optional white space around it. */
    static boolean refuses(String text) {
        Reader reader = new Reader(text);
        try {
            reader.whiteSpace();
            reader.value();
            reader.whiteSpace();
            return reader.at < text.length() && text.charAt(reader.at) < 0x80;   // something after the value
        } catch (Broken broken) {
            return !reader.unsure;
        }
    }

    /** Thrown to unwind at the first certain mistake; shared, without a stack trace, so it costs nothing. */
    private static final class Broken extends RuntimeException {
        static final Broken INSTANCE = new Broken();

        private Broken() {
            super(null, null, false, false);
        }
    }

    /** A recursive-descent reader of one text; {@code unsure} is set where the parser may decide otherwise. */
    private static final class Reader {
        private static final int MAX_DEPTH = 64;   // deeper: left to the parser (its limit is 1,000)

        final String text;
        int at;
        boolean unsure;
        private int depth;

        Reader(String text) {
            this.text = text;
        }

        void value() {
            if (at >= text.length()) {
                throw Broken.INSTANCE;
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
            } else {
                fail(c);
            }
        }

        private void nested(boolean object) {
            if (++depth > MAX_DEPTH) {
                unsure = true;
                throw Broken.INSTANCE;
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
                        fail(peek());
                    }
                    string();
                    whiteSpace();
                    if (peek() != ':') {
                        fail(peek());
                    }
                    at++;
                    whiteSpace();
                }
                value();
                whiteSpace();
                char next = peek();
                at++;
                if (next == close) {
                    depth--;
                    return;
                }
                if (next != ',') {
                    fail(next);
                }
                whiteSpace();
            }
        }

        private void string() {
            at++;   // the opening quote
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return;
                }
                if (c < 0x20) {
                    throw Broken.INSTANCE;   // control characters must be escaped
                }
                if (c == '\\') {
                    if (at >= text.length()) {
                        throw Broken.INSTANCE;
                    }
                    char escaped = text.charAt(at++);
                    if (escaped == 'u') {
                        for (int i = 0; i < 4; i++) {
                            if (at >= text.length() || Character.digit(text.charAt(at++), 16) < 0) {
                                throw Broken.INSTANCE;
                            }
                        }
                    } else if ("\"\\/bfnrt".indexOf(escaped) < 0) {
                        throw Broken.INSTANCE;
                    }
                }
            }
            throw Broken.INSTANCE;   // no closing quote
        }

        private void number() {
            if (peek() == '-') {
                at++;
            }
            if (peek() == '0') {
                at++;
            } else if (digits() == 0) {
                throw Broken.INSTANCE;
            }
            if (peek() == '.') {
                at++;
                if (digits() == 0) {
                    throw Broken.INSTANCE;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                if (digits() == 0) {
                    throw Broken.INSTANCE;
                }
            }
            char after = peek();
            if (!(after == 0 || after == ',' || after == ']' || after == '}' || isWhiteSpace(after))) {
                fail(after);   // "01", "1a": no number ends there
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
            if (!text.startsWith(word, at)) {
                throw Broken.INSTANCE;
            }
            at += word.length();
            char after = peek();
            if (!(after == 0 || after == ',' || after == ']' || after == '}' || isWhiteSpace(after))) {
                fail(after);   // "truex"
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

        /** A character no grammar rule allows here: certain for ASCII, left to the parser beyond it. */
        private void fail(char c) {
            if (c >= 0x80) {
                unsure = true;
            }
            throw Broken.INSTANCE;
        }

        private static boolean isWhiteSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r';
        }
    }
}
