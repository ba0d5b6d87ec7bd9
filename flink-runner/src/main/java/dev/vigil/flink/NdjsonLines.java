package dev.vigil.flink;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * A file's NDJSON lines for Flink's file source, cut as {@code vigil run} cuts them, so that line numbers agree: a
 * line ends at {@code \n} only (a {@code \r} before it is dropped; a lone {@code \r} stays in the line, where
 * Java's line readers would end a line), malformed UTF-8 becomes U+FFFD, gzip is told by its first two bytes
 * whatever the file is called, and a line longer than {@code maxLineBytes} is not kept: it comes as
 * {@code ("", true)} (too long), and the next line is read as usual, so one endless line cannot exhaust memory.
 *
 * <p>Not splittable: one reader reads the whole file in order, which line numbering needs; on restore Flink reads it
 * again from the start and skips the lines already emitted.
 */
public final class NdjsonLines extends SimpleStreamFormat<Tuple2<String, Boolean>> {
    private static final long serialVersionUID = 1L;
    /** The default bound on a line: {@code vigil run}'s, the server's largest WebSocket message. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private final int maxLineBytes;

    public NdjsonLines(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("line bound " + maxLineBytes + " < 1");
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** What a too long line is reported as, in {@code vigil run}'s words. */
    String tooLongMessage() {
        return "too long: more than " + maxLineBytes + " bytes (the bound on one line, as the server's on one "
                + "WebSocket message)";
    }

    @Override
    public StreamFormat.Reader<Tuple2<String, Boolean>> createReader(Configuration config, FSDataInputStream stream)
            throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(stream, 1 << 16);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        return new Reader(gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered, maxLineBytes);
    }

    @Override
    public TypeInformation<Tuple2<String, Boolean>> getProducedType() {
        return Types.TUPLE(Types.STRING, Types.BOOLEAN);
    }

    /** Reads lines out of a buffer; a line's bytes are kept up to the bound. */
    private static final class Reader implements StreamFormat.Reader<Tuple2<String, Boolean>> {
        private final InputStream in;
        private final int maxLineBytes;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        private byte[] line = new byte[256];
        private int length;

        Reader(InputStream in, int maxLineBytes) {
            this.in = in;
            this.maxLineBytes = maxLineBytes;
        }

        @Override
        public Tuple2<String, Boolean> read() throws IOException {
            length = 0;
            boolean tooLong = false;
            boolean any = false;
            while (position < limit || fill()) {
                any = true;
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                int count = position - start;
                if (!tooLong && length + count > maxLineBytes) {
                    tooLong = true;
                } else if (!tooLong) {
                    if (length + count > line.length) {
                        line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, length + count)));
                    }
                    System.arraycopy(buffer, start, line, length, count);
                    length += count;
                }
                if (position < limit) {
                    position++;   // the \n
                    break;
                }
            }
            if (!any) {
                return null;
            }
            if (tooLong) {
                return Tuple2.of("", true);
            }
            int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            return Tuple2.of(new String(line, 0, end, StandardCharsets.UTF_8), false);
        }

        private boolean fill() throws IOException {
            int read;
            do {
                read = in.read(buffer, 0, buffer.length);
            } while (read == 0);
            if (read < 0) {
                return false;
            }
            position = 0;
            limit = read;
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
