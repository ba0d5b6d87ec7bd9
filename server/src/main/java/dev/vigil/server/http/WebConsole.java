package dev.vigil.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The web console: {@code GET /} answers its page and {@code GET /console/{file}} its script, style sheet, icon and
 * licence notices, the bundle {@code console/build.sh} builds from the sources in {@code console/} and that the jar
 * carries under {@value #FOLDER}. The files are read into memory once, at start (about 600 KB, 160 KB gzip-compressed
 * for browsers that take gzip), so serving them touches no disk and writes no cache folder.
 *
 * <p>The files are public, as {@code /health} is: they hold no data, and the page itself asks for a token when the
 * API answers 401 (see {@link Authenticator#isPublic}). Each answer carries an {@code ETag} (the file's SHA-256) and
 * {@code Cache-Control: no-cache}, so a browser revalidates and gets a 304 until the server runs another bundle. The
 * page is sent with a Content-Security-Policy that allows scripts, styles and connections from the server's own
 * origin only (no inline script, no other site, no framing), {@code X-Content-Type-Options: nosniff} and
 * {@code Referrer-Policy: no-referrer}.
 *
 * <p><b>Thread-safe:</b> immutable after {@link #load}.
 */
final class WebConsole {
    static final String FOLDER = "/console/";
    /** The bundle's files and their content types; {@code console/build.mjs} writes exactly these. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml",
            "THIRD-PARTY.txt", "text/plain; charset=utf-8");
    /**
     * What the page may load: its own script and styles (CodeMirror and the charts set styles from script, hence
     * {@code 'unsafe-inline'} for styles only), its own API; nothing from elsewhere, and no page may frame it.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** One file of the bundle, as read and gzip-compressed. */
    private record Asset(Buffer bytes, Buffer gzipped, String contentType, String etag) {}

    private final Map<String, Asset> assets;

    private WebConsole(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** Reads the bundle from the class path; a file it lacks is answered 404 (a build without the console). */
    static WebConsole load() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : FILES.entrySet()) {
            try (InputStream in = WebConsole.class.getResourceAsStream(FOLDER + file.getKey())) {
                if (in != null) {
                    byte[] bytes = in.readAllBytes();
                    assets.put(file.getKey(), new Asset(Buffer.buffer(bytes), Buffer.buffer(gzip(bytes)),
                            file.getValue(), "\"" + sha256(bytes) + "\""));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + FOLDER + file.getKey() + " from the class path", e);
            }
        }
        return new WebConsole(Map.copyOf(assets));
    }

    /** {@code GET /}: the console's page. */
    void page(RoutingContext ctx) {
        serve(ctx, "index.html");
    }

    /** {@code GET /console/{file}}: a file of the bundle. */
    void file(RoutingContext ctx) {
        serve(ctx, ctx.pathParam("file"));
    }

    private void serve(RoutingContext ctx, String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            Problems.send(ctx, 404, Problems.error("index.html".equals(name)
                    ? "this server was built without the web console (console/build.sh builds it); the API is "
                            + "described at /v1/openapi"
                    : "no such file of the web console: '" + name + "'").put("path", ctx.request().path()));
            return;
        }
        HttpServerResponse response = ctx.response().putHeader("Content-Type", asset.contentType())
                .putHeader("ETag", asset.etag()).putHeader("Cache-Control", "no-cache")
                .putHeader("Vary", "Accept-Encoding").putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        if (asset.contentType().startsWith("text/html")) {
            response.putHeader("Content-Security-Policy", POLICY).putHeader("X-Frame-Options", "DENY");
        }
        String known = ctx.request().getHeader("If-None-Match");
        if (known != null && (known.contains(asset.etag()) || known.strip().equals("*"))) {
            response.setStatusCode(304).end();
            return;
        }
        String accepted = ctx.request().getHeader("Accept-Encoding");
        if (accepted != null && accepted.toLowerCase(Locale.ROOT).contains("gzip")
                && asset.gzipped().length() < asset.bytes().length()) {
            response.putHeader("Content-Encoding", "gzip").end(asset.gzipped());
        } else {
            response.end(asset.bytes());
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
