package dev.vigil.connectors;

/**
 * A sink declaration that cannot be used; the message names the sink and the field as a path, e.g.
 * {@code sinks.fraud_hook.timeoutMs: expected a positive integer, got -1}.
 */
public final class InvalidSinkException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidSinkException(String message) {
        super(message);
    }
}
