package dev.vigil.server.log;

/**
 * An ingest log write that failed (an I/O error, a closed log, a data folder below its reserve): nothing of the
 * record is in the log. The message is for the sender of the batch, as it is: it says what failed and why.
 */
public final class IngestLogException extends RuntimeException {
    public IngestLogException(String message, Throwable cause) {
        super(message, cause);
    }

    public IngestLogException(String message) {
        super(message);
    }
}
