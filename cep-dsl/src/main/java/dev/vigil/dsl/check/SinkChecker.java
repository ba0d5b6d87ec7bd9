package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.SinkRef;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a rule's {@code TO} clause: type words, their targets, and sinks listed twice. Whether a name is
 * configured is the server's question, since the language does not know the server's configuration.
 */
final class SinkChecker {
    private final Diagnostics out;

    SinkChecker(Diagnostics out) {
        this.out = out;
    }

    void check(List<SinkRef> sinks) {
        Set<SinkRef> seen = new HashSet<>();
        for (SinkRef sink : sinks) {
            if (!seen.add(new SinkRef(sink.word(), sink.target(), Span.NONE))) {
                out.error(sink.span(), "sink " + text(sink) + " is listed twice in TO; list each sink once");
                continue;
            }
            if (sink.target() != null) {
                inline(sink);
            } else if (!sink.isNamed() && !sink.word().equals(SinkRef.LOG)) {
                out.error(sink.span(), "sink type " + sink.word() + " needs a quoted target, e.g. TO " + sink.word()
                        + " " + example(sink.word()) + "; a configured sink cannot be named " + sink.word());
            }
        }
    }

    private void inline(SinkRef sink) {
        String word = sink.word();
        if (word.equals(SinkRef.LOG)) {
            out.error(sink.span(), "sink log takes no target; write TO log (it writes to the server's output)");
        } else if (word.equals(SinkRef.WEBHOOK)) {
            if (!isHttpUrl(sink.target())) {
                out.error(sink.span(), "webhook target '" + sink.target() + "' is not an http:// or https:// URL "
                        + "with a host, e.g. " + example(word));
            }
        } else if (word.equals(SinkRef.FILE)) {
            if (sink.target().isBlank() || sink.target().indexOf('\0') >= 0) {
                out.error(sink.span(), "file target '" + sink.target() + "' is not a path, e.g. " + example(word));
            }
        } else if (word.equals(SinkRef.KAFKA)) {
            if (!isTopicName(sink.target())) {
                out.error(sink.span(), "kafka target '" + sink.target() + "' is not a topic name (1 to 249 of a-z, A-Z, "
                        + "0-9, '.', '_', '-'), e.g. " + example(word));
            }
        } else {
            out.error(sink.span(), "unknown sink type '" + word + "'; expected webhook, file or kafka before a quoted "
                    + "target, log, or the name of a configured sink (without a target)");
        }
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** What Kafka takes as a topic name (the language does not depend on Kafka's client, which checks the same). */
    private static boolean isTopicName(String text) {
        return text.length() <= 249 && !text.equals(".") && !text.equals("..") && text.matches("[a-zA-Z0-9._-]+");
    }

    private static String example(String type) {
        return type.equals(SinkRef.WEBHOOK) ? "'https://hooks.example.com/alerts'"
                : type.equals(SinkRef.KAFKA) ? "'fraud-alerts'" : "'alerts.ndjson'";
    }

    private static String text(SinkRef sink) {
        return sink.target() == null ? "'" + sink.word() + "'" : sink.word() + " '" + sink.target() + "'";
    }
}
