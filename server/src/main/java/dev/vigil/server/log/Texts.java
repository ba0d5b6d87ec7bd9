package dev.vigil.server.log;

import java.nio.charset.StandardCharsets;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Strings in and out of Chronicle bytes as a length and UTF-8 bytes. Chronicle's own {@code writeUtf8} reads each
 * string's internal coder through reflection on this JDK, which was the largest cost of logging a batch; encoding
 * with the JDK is plain and fast.
 */
public final class Texts {
    private Texts() {
    }

    /** Writes {@code text}, or null. */
    public static void write(Bytes<?> bytes, String text) {
        if (text == null) {
            bytes.writeInt(-1);
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        bytes.writeInt(utf8.length);
        bytes.write(utf8);
    }

    /** Reads what {@link #write} wrote. */
    public static String read(Bytes<?> bytes) {
        int length = bytes.readInt();
        if (length < 0) {
            return null;
        }
        if (length > bytes.readRemaining()) {   // damaged bytes: never allocate what is not there
            throw new IllegalStateException("a text of " + length + " bytes with " + bytes.readRemaining() + " left");
        }
        byte[] utf8 = new byte[length];
        bytes.read(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
