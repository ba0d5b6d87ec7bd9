package dev.vigil.client;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * Says in one line why a WebSocket could not be opened, without a stack trace, and with which exit status a
 * client command ends: the same as {@code vigil bench}'s.
 */
public final class ConnectFailure {
    /** Exit status when no server answers (or TLS fails). */
    public static final int NO_SERVER = 3;
    /** Exit status when the server refuses the token (HTTP 401 or 403). */
    public static final int REFUSED = 4;

    private ConnectFailure() {
    }

    /** {@link #REFUSED} for a refused token, else {@link #NO_SERVER}. */
    public static int exitStatus(Throwable failure) {
        Throwable cause = rootOf(failure);
        if (cause instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            return status == 401 || status == 403 ? REFUSED : NO_SERVER;
        }
        return NO_SERVER;
    }

    private static Throwable rootOf(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    public static String describe(URI target, Throwable failure) {
        Throwable cause = rootOf(failure);
        for (Throwable inner = cause; inner != null; inner = inner.getCause()) {
            if (inner instanceof SSLException) {
                cause = inner;   // however the client wrapped it, a TLS failure is told as one
                break;
            }
        }
        if (cause instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            String hint = status == 401 ? " (give a token with --token)"
                    : status == 403 ? " (the token's role may not use this route)" : "";
            return "the server at " + target + " refused the connection: HTTP " + status + hint;
        }
        if (cause instanceof ConnectException) {
            return "cannot connect to " + target + ": is the server running?"
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
        }
        if (cause instanceof HttpTimeoutException) {
            return "no answer from " + target + " within " + ServerAddress.CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (cause instanceof SSLException) {
            String message = String.valueOf(cause.getMessage());
            boolean untrusted = message.contains("PKIX") || message.contains("certificat")
                    || message.contains("subject alternative name");
            return "TLS with " + target + " failed: " + message + (untrusted ? " (a server with a self-signed "
                    + "certificate? trust it with --cacert FILE, its --tls-cert file; or skip the check with "
                    + "--insecure, for trying things out only)" : "");
        }
        return "cannot connect to " + target + ": " + cause;
    }
}
