package dev.vigil.server.log;

import java.io.File;

/**
 * A record of the ingest log that cannot be read back (a zeroed, garbled or cut tail): says which file, which
 * record and which byte, and how to keep the records before it ({@code vigil repair-log}). Thrown by
 * {@link ChronicleIngestLog.Reader}, so a server recovering from such a log stops with this message.
 */
public final class DamagedLogException extends IllegalStateException {
    private final long index;

    private DamagedLogException(String message, long index, Throwable cause) {
        super(message, cause);
        this.index = index;
    }

    /**
     * The record at {@code index}, {@code byteOffset} bytes into {@code file}, could not be read ({@code index} -1:
     * the record after {@code after}, whose header could not be read); {@code cause} says what was wrong.
     */
    static DamagedLogException at(File file, long index, long byteOffset, long after, RuntimeException cause) {
        String where = index >= 0 ? "the record at index " + index + " (file " + file + ", byte " + byteOffset + ")"
                : "the record after index " + after + (file == null ? "" : " (file " + file + ")");
        String data = file == null || file.getParentFile() == null || file.getParentFile().getParentFile() == null
                ? "DATA" : file.getParentFile().getParentFile().toString();
        return new DamagedLogException("ingest log damaged: " + where + " cannot be read: " + describe(cause)
                + "; the records before it are intact: 'vigil repair-log --data " + data + "' keeps them and sets "
                + "the damaged part aside (see docs/api.md, Restarts and crashes)", index, cause);
    }

    /** The index of the damaged record, -1 when its header could not be read. */
    public long index() {
        return index;
    }

    private static String describe(RuntimeException cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message.replaceFirst("^ingest log: ", "");
    }
}
