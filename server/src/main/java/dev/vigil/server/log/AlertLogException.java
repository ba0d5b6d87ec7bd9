package dev.vigil.server.log;


/**
 * An alert the alert log could not write (its disk is full): nothing of it is in the log, so it is not yet emitted;
 * the message says why. {@code AlertHub} keeps the alert and offers it again.
 */
public final class AlertLogException extends RuntimeException {
    AlertLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
