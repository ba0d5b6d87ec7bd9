package dev.vigil.server.checkpoint;

/**
 * A checkpoint or savepoint file that cannot be used, with the reason in words: cut short or damaged (its checksum
 * does not match) or written in a format this server does not read.
 */
public final class UnreadableCheckpointException extends Exception {
    private final boolean incompatible;

    UnreadableCheckpointException(String message, boolean incompatible) {
        super(message);
        this.incompatible = incompatible;
    }

    /** True when the file is whole but of a format this server does not read (a newer Vigil wrote it). */
    public boolean incompatible() {
        return incompatible;
    }
}
