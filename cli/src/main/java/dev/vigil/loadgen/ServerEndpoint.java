package dev.vigil.loadgen;

import dev.vigil.client.ConnectFailure;
import dev.vigil.client.ServerAddress;
import dev.vigil.wire.JsonCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The server a run talks to ({@link ServerAddress}: addresses and token, as the other client commands use it), and
 * how a failure to talk to it reads for {@code vigil bench}: as one of its {@link BenchException} kinds.
 */
record ServerEndpoint(ServerAddress address) {
    URI base() {
        return address.base();
    }

    String token() {
        return address.token();
    }

    /** What went wrong when {@code what} (e.g. "POST /v1/rules") failed with {@code error} before an answer. */
    BenchException unreachable(String what, Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        for (Throwable inner = cause; inner != null; inner = inner.getCause()) {
            if (inner instanceof SSLException) {   // said as the other client commands say it, with --cacert
                return new BenchException(BenchException.Kind.UNREACHABLE, what + ": "
                        + ConnectFailure.describe(base(), inner));
            }
        }
        if (cause instanceof WebSocketHandshakeException handshake) {
            return refused(what, handshake.getResponse().statusCode(), String.valueOf(handshake.getResponse().body()));
        }
        String why = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException
                ? "nothing answers there; is vigil serve running?"
                : cause instanceof HttpTimeoutException ? "no answer in time"
                : String.valueOf(cause.getMessage());
        return new BenchException(BenchException.Kind.UNREACHABLE, what + " at " + base() + ": " + why);
    }

    /** The failure for an unexpected HTTP status: a refused token, or the request refused for {@code body}. */
    BenchException refused(String what, int status, String body) {
        if (status == 401 || status == 403) {
            String hint = token() == null ? " (no token given: pass --token or set VIGIL_TOKEN)" : "";
            return new BenchException(BenchException.Kind.TOKEN_REFUSED,
                    what + " answered " + status + ": " + ServerEndpoint.errorText(body) + hint);
        }
        return new BenchException(BenchException.Kind.RUN_FAILED,
                what + " answered " + status + ": " + ServerEndpoint.errorText(body));
    }

    /** The server's {@code {"error": ...}} text from a response body, or the body itself. */
    static String errorText(String body) {
        if (body == null || body.isBlank() || body.equals("null")) {
            return "(no body)";
        }
        try {
            Object json = JsonCodec.parse(body);
            if (json instanceof Map<?, ?> map && map.get("error") != null) {
                StringBuilder text = new StringBuilder(String.valueOf(map.get("error")));
                if (map.get("diagnostics") instanceof List<?> diagnostics) {
                    for (Object diagnostic : diagnostics) {
                        if (diagnostic instanceof Map<?, ?> d && d.get("rendered") != null) {
                            text.append('\n').append(d.get("rendered"));
                        }
                    }
                }
                return text.toString();
            }
        } catch (IOException notJson) {
            // fall through: show the body as it came
        }
        return body.strip();
    }
}
