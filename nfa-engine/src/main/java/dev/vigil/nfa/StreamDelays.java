package dev.vigil.nfa;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The watermark delay of each stream rules read, decided in one place for every host: a rule asks for its
 * stream's {@code WATERMARK DELAY}, else the host's default, and a stream several rules read takes the largest
 * delay any of them asks for, so no rule sees as late an event it was declared to wait for. The engine's clocks
 * and the server's per-source watermarks both start from these delays; the watermark they derive is
 * {@link EventTime#watermarkAfter}.
 */
public final class StreamDelays {
    private StreamDelays() {
    }

    /** The delay {@code rule} asks for on {@code stream}: its declared {@code WATERMARK DELAY}, else the default. */
    public static long of(CompiledRule rule, String stream, long defaultDelayMs) {
        return rule.streamDelaysMs().getOrDefault(stream, defaultDelayMs);
    }

    /**
     * The delay of every stream {@code rules} read, in the order the rules first read them: the largest any rule
     * reading it asks for ({@link #of}). Unmodifiable.
     */
    public static Map<String, Long> merge(Collection<CompiledRule> rules, long defaultDelayMs) {
        Map<String, Long> delays = new LinkedHashMap<>();
        for (CompiledRule rule : rules) {
            for (String stream : rule.streams()) {
                delays.merge(stream, of(rule, stream, defaultDelayMs), Math::max);
            }
        }
        return Collections.unmodifiableMap(delays);
    }
}
