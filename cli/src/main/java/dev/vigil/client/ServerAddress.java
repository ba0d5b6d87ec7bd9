package dev.vigil.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

/**
 * Where a running server listens ({@code http://host:port} or {@code https://...}) and the bearer token to show
 * it, if any. WebSockets use the matching {@code ws://} or {@code wss://} address.
 *
 * @param base the server's base address, without a trailing slash
 * @param token a bearer token, or {@code null}
 */
public record ServerAddress(URI base, String token) {
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Parses a base URL as typed by a user; the message of the exception says what is wrong with it. */
    public static ServerAddress parse(String url, String token) {
        URI uri;
        try {
            uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url " + url + " is not a URL: " + e.getReason());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--url " + url
                    + " must look like http://host:port or https://host:port");
        }
        return new ServerAddress(uri, token);
    }

    /** The HTTP address of {@code path}. */
    public URI http(String path) {
        return URI.create(base + path);
    }

    /** The {@code Authorization} header's value, or {@code null} without a token. */
    public String authorization() {
        return token == null ? null : "Bearer " + token;
    }

    /** The HTTP address of {@code path} with the query parameters that are not null. */
    public URI http(String path, Map<String, String> query) {
        return URI.create(base + path + query(query));
    }

    /** The WebSocket address of {@code path} with the query parameters that are not null. */
    public URI webSocket(String path, Map<String, String> query) {
        String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
        return URI.create(scheme + base.toString().substring(base.getScheme().length()) + path + query(query));
    }

    private static String query(Map<String, String> query) {
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                parameters.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return parameters.toString();
    }

    /** Opens a WebSocket on {@code path}, sending the token as an {@code Authorization} header. */
    public CompletableFuture<WebSocket> open(HttpClient http, String path, Map<String, String> query,
            WebSocket.Listener listener) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (token != null) {
            builder.header("Authorization", authorization());
        }
        return builder.buildAsync(webSocket(path, query), listener);
    }
}
