package dev.vigil.server.config;

/**
 * A mistake in the server's configuration (file, environment or flags), found before the server starts. The
 * message names the setting and where it came from; {@code vigil serve} prints it and exits with status 2.
 */
public final class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message, null, false, false);
    }
}
