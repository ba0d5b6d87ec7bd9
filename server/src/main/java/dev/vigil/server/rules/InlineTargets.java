package dev.vigil.server.rules;

import dev.vigil.connectors.Confinement;
import dev.vigil.connectors.WebhookHosts;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.SinkRef;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Judges the targets rule text gives inline sinks ({@code TO file '...'}, {@code TO webhook '...'}) against the
 * server's {@link Confinement}, and says where a target's literal is written, for the diagnostic.
 *
 * <p>A file's path must be relative, without {@code ..} segments, name a file (not the folder), and lead nowhere
 * outside the sink folder once the symbolic links that exist are resolved; without a sink folder rule text names no
 * file. A webhook's host may not be one {@link WebhookHosts} denies as written: a denied name or a literal address
 * (the webhook judges the addresses a name resolves to again when it connects). Messages name the setting or the
 * configuration that would allow the target.
 *
 * <p><b>Thread-safe:</b> immutable; runs on compile workers (it reads the file system to resolve links).
 */
final class InlineTargets {
    private static final String ALLOW_WEBHOOK = "webhookAllowedHosts (--webhook-allowed-hosts, "
            + "VIGIL_WEBHOOK_ALLOWED_HOSTS)";

    private final Confinement confinement;

    InlineTargets(Confinement confinement) {
        this.confinement = confinement;
    }

    /** Why rule text may not give {@code sink} its target, or null when it may. */
    String refusal(SinkRef sink) {
        if (sink.word().equals(SinkRef.FILE)) {
            return fileRefusal(sink.target());
        }
        return sink.word().equals(SinkRef.WEBHOOK) ? webhookRefusal(sink.target()) : null;
    }

    /** Why rule text may not name the file {@code target}, or null. */
    private String fileRefusal(String target) {
        Path folder = confinement.fileFolder();
        String what = "file sink path '" + target + "' ";
        if (folder == null) {
            return what + "cannot be written: this server has no data folder, so rule text may name files only when "
                    + "sinkDir (--sink-dir, VIGIL_SINK_DIR) is set; or declare the file under \"sinks\" in the "
                    + "configuration file";
        }
        String inside = "; rule text may only name files inside the sink folder " + folder + " (or declare the file "
                + "under \"sinks\" in the configuration file)";
        Path path;
        try {
            path = Path.of(target);
        } catch (InvalidPathException notAPath) {
            return what + "is not a path" + inside;
        }
        if (path.isAbsolute()) {
            return what + "is absolute" + inside;
        }
        for (Path segment : path) {
            if (segment.toString().equals("..")) {
                return what + "leaves the folder with '..'" + inside;
            }
        }
        Path file = folder.resolve(path).normalize();
        if (file.equals(folder)) {
            return what + "names the sink folder itself, not a file" + inside;
        }
        return escapeThroughLink(folder, file, what, inside);
    }

    /** Why {@code file} would lie outside {@code folder} once links are resolved, or null. */
    private static String escapeThroughLink(Path folder, Path file, String what, String inside) {
        try {
            if (!Files.exists(folder)) {
                return null;   // created at the first alert; nothing under it can be a link yet
            }
            if (Files.isSymbolicLink(file)) {
                return what + "is a symbolic link (file sinks never follow one)" + inside;
            }
            Path root = folder.toRealPath();
            for (Path existing = file; existing != null && existing.startsWith(folder);
                    existing = existing.getParent()) {
                if (Files.exists(existing) || Files.isSymbolicLink(existing)) {
                    Path real = Files.exists(existing) ? existing.toRealPath() : null;
                    if (real == null || !real.startsWith(root)) {
                        return what + "leads out of the folder through the symbolic link "
                                + folder.relativize(existing) + (real == null ? "" : " (to " + real + ")") + inside;
                    }
                    return null;
                }
            }
            return null;
        } catch (IOException unreadable) {
            return what + "cannot be checked: " + unreadable.getMessage() + inside;
        }
    }

    /** Why rule text may not name the webhook {@code url}, or null; the sink checks the address again. */
    private String webhookRefusal(String url) {
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException notAUrl) {
            return null;   // the language's checker already refused it
        }
        String refusal = host == null ? null : confinement.webhookHosts().refusalOfHost(host);
        return refusal == null ? null : "webhook '" + url + "' may not be posted to: " + refusal + "; a webhook named "
                + "in rule text may not post there unless " + ALLOW_WEBHOOK + " lists it, or declare it under "
                + "\"sinks\" in the configuration file";
    }

    /**
     * Where the quoted target of {@code sink} is written: after its type word, spaces and comments. The sink's own
     * span when the text is not as expected.
     */
    static Span literal(String text, SinkRef sink) {
        Span span = sink.span();
        int offset = offsetOf(text, span.line(), span.column());
        if (offset < 0) {
            return span;
        }
        int i = offset;
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
                || text.charAt(i) == '`')) {
            i++;   // the type word
        }
        while (i < text.length() && text.charAt(i) != '\'') {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
            } else if (text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 2;
            } else {
                return span;
            }
        }
        if (i >= text.length()) {
            return span;
        }
        int end = i + 1;
        while (end < text.length() && (text.charAt(end) != '\'' || text.startsWith("''", end))) {
            end += text.startsWith("''", end) ? 2 : 1;
        }
        int line = span.line();
        int lineStart = text.lastIndexOf('\n', offset) + 1;
        for (int k = offset; k < i; k++) {
            if (text.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        int lineEnd = text.indexOf('\n', i);
        int length = Math.min(end + 1, lineEnd < 0 ? text.length() : lineEnd) - i;
        return new Span(line, i - lineStart + 1, length);
    }

    /** The offset of a 1-based line and column in {@code text}, or -1 when there is no such place. */
    private static int offsetOf(String text, int line, int column) {
        int offset = 0;
        for (int l = 1; l < line; l++) {
            offset = text.indexOf('\n', offset) + 1;
            if (offset == 0) {
                return -1;
            }
        }
        offset += column - 1;
        return offset < text.length() ? offset : -1;
    }

}
