package dev.vigil.wire;


/**
 * Strict UTF-8 (RFC 3629: no overlong forms, no encoded surrogates, nothing above U+10FFFF) over bytes as they
 * arrived, and where the first malformed sequence starts, in the words a sender can act on: its line, its byte in
 * that line and its offset. Both doors for text use it: HTTP bodies ({@code StrictRequests}) and WebSocket messages
 * ({@code EventConnection}); the JDK's decoders would replace what is malformed (or, reporting, say only that
 * something is).
 *
 * <p><b>Thread-safe:</b> stateless; one pass over the bytes, allocating nothing unless they are malformed.
 */
public final class Utf8 {
    /** Reads eight bytes of an array as one long (either byte order does: only the high bits are tested). */
    private static final java.lang.invoke.VarHandle EIGHT_BYTES =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    /** The high bit of each of eight bytes: all clear when the eight are ASCII. */
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    /**
     * Where a malformed sequence starts: {@code line} and {@code byteInLine} from 1, {@code offset} from 0, and its
     * bytes as hexadecimal ({@code 0xE9 0x27}).
     */
    public record Malformed(int line, int byteInLine, int offset, String bytes) {
        /** "line 3, byte 30 of the line (offset 64 of the {@code whole}) starts an invalid sequence (0xE9 0x27)". */
        public String describe(String whole) {
            return "line " + line + ", byte " + byteInLine + " of the line (offset " + offset + " of the " + whole
                    + ") starts an invalid sequence (" + bytes + ")";
        }
    }

    /** The first malformed sequence of {@code bytes[from..to)}, or null when they are UTF-8. */
    public static Malformed firstMalformed(byte[] bytes, int from, int to) {
        int at = firstMalformedAt(bytes, from, to);
        if (at < 0) {
            return null;
        }
        int line = 1;
        int lineStart = from;
        for (int i = from; i < at; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        StringBuilder shown = new StringBuilder();
        int end = Math.min(to, at - validLength(bytes, at, to));
        for (int i = at; i < end; i++) {
            shown.append(i == at ? "" : " ").append(String.format("0x%02X", bytes[i] & 0xFF));
        }
        return new Malformed(line, at - lineStart + 1, at - from, shown.toString());
    }

    /**
     * The compression format whose magic bytes {@code bytes[from..to)} start with ({@code gzip}, {@code zstd},
     * {@code xz}, {@code bzip2}, {@code zip}), or null: a sender of compressed bytes is told so instead of where the
     * first invalid sequence is.
     */
    public static String compression(byte[] bytes, int from, int to) {
        for (int i = 0; i < MAGIC.length; i++) {
            byte[] magic = MAGIC[i];
            if (to - from >= magic.length && java.util.Arrays.equals(bytes, from, from + magic.length, magic, 0,
                    magic.length)) {
                return FORMATS[i];
            }
        }
        return null;
    }

    private static final String[] FORMATS = {"gzip", "zstd", "xz", "bzip2", "zip"};
    private static final byte[][] MAGIC = {{0x1F, (byte) 0x8B}, {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD},
        {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, {'B', 'Z', 'h'}, {'P', 'K', 3, 4}};

    /** The index of the first malformed UTF-8 sequence in {@code bytes[from..to)}, or -1 when there is none. */
    public static int firstMalformedAt(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            if (i + Long.BYTES <= to && ((long) EIGHT_BYTES.get(bytes, i) & HIGH_BITS) == 0) {
                i += Long.BYTES;   // eight ASCII bytes at once: events are mostly ASCII
                continue;
            }
            if (bytes[i] >= 0) {
                i++;   // ASCII
                continue;
            }
            int sequence = validLength(bytes, i, to);
            if (sequence < 0) {
                return i;
            }
            i += sequence;
        }
        return -1;
    }

    /**
     * The length of the valid multi-byte sequence at {@code at}; when it is malformed, minus the number of bytes
     * up to and including the first that makes it so (the lead byte alone when it can start none, or at the end).
     */
    private static int validLength(byte[] bytes, int at, int to) {
        int lead = bytes[at] & 0xFF;
        int length;
        int min = 0x80;
        int max = 0xBF;   // the range of the second byte; the others are always 0x80..0xBF
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            min = lead == 0xE0 ? 0xA0 : 0x80;   // no overlong forms
            max = lead == 0xED ? 0x9F : 0xBF;   // no surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            min = lead == 0xF0 ? 0x90 : 0x80;   // no overlong forms
            max = lead == 0xF4 ? 0x8F : 0xBF;   // nothing above U+10FFFF
        } else {
            return -1;   // a continuation byte, an overlong lead (0xC0, 0xC1) or 0xF5..0xFF
        }
        for (int k = 1; k < length; k++) {
            if (at + k >= to) {
                return -k;
            }
            int next = bytes[at + k] & 0xFF;
            if (next < (k == 1 ? min : 0x80) || next > (k == 1 ? max : 0xBF)) {
                return -(k + 1);
            }
        }
        return length;
    }
}
