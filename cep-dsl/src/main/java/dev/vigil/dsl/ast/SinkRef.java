package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;
import java.util.Locale;

/**
 * One destination of a rule's {@code TO} clause: the name of a sink declared in the server's configuration
 * ({@code TO fraud_hook}), the server's log ({@code TO log}), or an inline sink, a type word and its quoted
 * target ({@code TO webhook 'https://hooks.example.com/fraud'}, {@code TO file 'alerts/fraud.ndjson'},
 * {@code TO kafka 'fraud-alerts'}).
 *
 * <p>The record holds whatever was written, even an unknown type word, so that the checker can point at it;
 * the server resolves names against its configuration.
 *
 * @param word the configured sink's name as written, or, for {@code log} and inline sinks, the type word in lower
 *     case
 * @param target the quoted target of an inline sink (quotes removed, doubled quotes undone), or {@code null}
 * @param span where the sink is written (word and target)
 */
public record SinkRef(String word, String target, Span span) {
    public static final String LOG = "log";
    public static final String WEBHOOK = "webhook";
    public static final String FILE = "file";
    public static final String KAFKA = "kafka";

    public SinkRef {
        if (word == null || word.isEmpty()) {
            throw new IllegalArgumentException("a sink needs a name or type word");
        }
        if ((target != null || isTypeWord(word)) && !word.equals(word.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("type word '" + word + "' must be lower case");
        }
    }

    /** A sink declared in the server's configuration, referred to by {@code name}. */
    public static SinkRef named(String name, Span span) {
        return new SinkRef(name, null, span);
    }

    /** {@code TO log}. */
    public static SinkRef log(Span span) {
        return new SinkRef(LOG, null, span);
    }

    /** An inline sink: {@code type} ({@code webhook}, {@code file}, {@code kafka}) and its target. */
    public static SinkRef inline(String type, String target, Span span) {
        return new SinkRef(type.toLowerCase(Locale.ROOT), target, span);
    }

    /** Whether the server must find this sink in its configuration (a name rather than a type). */
    public boolean isNamed() {
        return target == null && !isTypeWord(word);
    }

    /**
     * Whether {@code word} (lower case) is a sink type rather than a name: {@code log}, {@code webhook}, {@code file},
     * {@code kafka}.
     */
    public static boolean isTypeWord(String word) {
        return word.equals(LOG) || word.equals(WEBHOOK) || word.equals(FILE) || word.equals(KAFKA);
    }
}
