package dev.vigil.cli;

import dev.vigil.server.config.ServerConfig;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The lines of an NDJSON input as {@code vigil run} and {@code vigil send} read them: plain or gzip-compressed (told
 * by gzip's first two bytes, whatever the file is called, so standard input works too), and at most
 * {@code maxLineBytes} bytes a line, so one endless line cannot exhaust memory: a longer line is skipped to its end
 * and reported as too long, and the next line is read as usual.
 *
 * <p>A line ends at {@code \n} (a {@code \r} before it is dropped); malformed UTF-8 becomes U+FFFD, which the event
 * decoder then refuses as it would any bad text. <b>Not thread-safe.</b>
 */
final class InputLines implements Closeable {
    /** The default bound on a line: the largest WebSocket message the server takes by default, so one event line. */
    static final int DEFAULT_MAX_LINE_BYTES = ServerConfig.DEFAULT_FRAME_LIMIT_BYTES;

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private final InputStream in;
    private final boolean gzip;
    private final int maxLineBytes;
    /** Read ahead from {@code in}: {@code buffer[position..limit)} is not yet consumed. */
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    /** The line being read, grown by doubling up to the bound. */
    private byte[] line = new byte[256];
    private int lineLength;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private boolean tooLong;

    private InputLines(InputStream in, boolean gzip, int maxLineBytes) {
        this.in = in;
        this.gzip = gzip;
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads {@code raw}, decompressing it when it starts as gzip does; closing the lines closes {@code raw}. */
    static InputLines of(InputStream raw, int maxLineBytes) throws IOException {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("line bound " + maxLineBytes + " < 1");
        }
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        if (first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2) {
            return new InputLines(new GZIPInputStream(buffered, 1 << 16), true, maxLineBytes);
        }
        return new InputLines(buffered, false, maxLineBytes);
    }

    /**
     * The next line, or null at the end of the input. When the line was longer than the bound, its text is not kept:
     * the result is the empty string and {@link #tooLong()} is true until the next call.
     */
    String next() throws IOException {
        lineLength = 0;
        tooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            keep(position, end - position);
            boolean lineEnds = end < limit;
            position = lineEnds ? end + 1 : end;
            if (lineEnds) {
                break;
            }
        }
        if (tooLong) {
            return "";
        }
        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        try {
            return utf8.decode(ByteBuffer.wrap(line, 0, length)).toString();
        } catch (CharacterCodingException cannotHappen) {   // REPLACE never throws
            throw new IllegalStateException(cannotHappen);
        }
    }

    /** Adds {@code buffer[from, from + count)} to the line, or marks it too long once it would pass the bound. */
    private void keep(int from, int count) {
        if (tooLong || count == 0) {
            return;
        }
        if (lineLength + count > maxLineBytes) {
            tooLong = true;   // read on to the line's end without keeping it
            return;
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLength + count)));
        }
        System.arraycopy(buffer, from, line, lineLength, count);
        lineLength += count;
    }

    /** Reads more input into the buffer; false at the end. */
    private boolean fill() throws IOException {
        int read;
        try {
            do {
                read = in.read(buffer, 0, buffer.length);
            } while (read == 0);
        } catch (IOException failed) {
            if (!gzip) {
                throw failed;
            }
            throw new IOException("the gzip data is damaged or cut short (" + failed.getMessage() + ")", failed);
        }
        if (read < 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    /** True when the line {@link #next} returned last was longer than the bound (and was skipped). */
    boolean tooLong() {
        return tooLong;
    }

    /** What a too long line is told as: {@code too long: more than 1048576 bytes (...)}. */
    String tooLongMessage() {
        return "too long: more than " + maxLineBytes + " bytes (the bound on one line, as the server's on one "
                + "WebSocket message)";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
