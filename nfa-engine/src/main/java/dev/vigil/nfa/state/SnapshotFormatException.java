package dev.vigil.nfa.state;

import java.io.IOException;

/**
 * A snapshot that cannot be restored: not a snapshot at all, an unknown format version, corrupt or truncated
 * content, or one taken by an engine of another time mode or key slice. The message says which, for an operator.
 */
public final class SnapshotFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SnapshotFormatException(String message) {
        super(message);
    }

    public SnapshotFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
