package dev.vigil.loadgen;

/**
 * Why a bench run could not be carried out, with a message for the user (never a stack trace) and the kind,
 * which {@code vigil bench} turns into its exit status.
 */
public final class BenchException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure, each with its exit status. */
    public enum Kind {
        /** No server answers at the URL. */
        UNREACHABLE(3),
        /** The server refused the token (401) or its role (403). */
        TOKEN_REFUSED(4),
        /** The server refused the bench rule (does not compile, too large, too many rules...). */
        RULE_REFUSED(5),
        /** The run started but could not finish: a connection closed, an acknowledgement never came. */
        RUN_FAILED(6);

        private final int exitStatus;

        Kind(int exitStatus) {
            this.exitStatus = exitStatus;
        }

        public int exitStatus() {
            return exitStatus;
        }
    }

    private final Kind kind;

    public BenchException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
