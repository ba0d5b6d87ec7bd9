package dev.vigil.server;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An output stream into a list of fixed-size chunks: unlike {@code ByteArrayOutputStream} it never copies what it
 * holds to grow, and it allocates (and zeroes) one chunk at a time, so a shard writing a large state in slices
 * never stops for a big array. {@link #toByteArray} makes the one copy, on the thread that needs it.
 *
 * <p><b>Not thread-safe:</b> written by one thread, then handed over (through a future) to the one that reads it.
 */
final class ChunkedBytes extends OutputStream {
    static final int CHUNK = 1 << 20;

    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int position = CHUNK;
    private long size;

    @Override
    public void write(int b) {
        room();
        current[position++] = (byte) b;
        size++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        while (length > 0) {
            room();
            int n = Math.min(length, CHUNK - position);
            System.arraycopy(bytes, offset, current, position, n);
            position += n;
            offset += n;
            length -= n;
            size += n;
        }
    }

    private void room() {
        if (position == CHUNK) {
            current = new byte[CHUNK];
            chunks.add(current);
            position = 0;
        }
    }

    long size() {
        return size;
    }

    /** Everything written, in one array. */
    byte[] toByteArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a shard's state of " + size + " bytes does not fit in one array");
        }
        byte[] all = new byte[(int) size];
        int at = 0;
        for (byte[] chunk : chunks) {
            int n = (int) Math.min(CHUNK, size - at);
            System.arraycopy(chunk, 0, all, at, n);
            at += n;
        }
        return all;
    }
}
