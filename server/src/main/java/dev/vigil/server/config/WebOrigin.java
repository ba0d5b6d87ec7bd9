package dev.vigil.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The web origin of a page ({@code scheme://host:port}) as the setting {@code allowedOrigins} lists and browsers send. */
public final class WebOrigin {
    private WebOrigin() {}

    /**
     * An origin as {@code scheme://host:port} (lower case, the port always written), or null when {@code text} is
     * not an {@code http} or {@code https} origin ({@code null}, {@code file://}, a path, a query...).
     */
    public static String normalize(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            return null;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
