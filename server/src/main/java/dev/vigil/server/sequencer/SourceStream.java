package dev.vigil.server.sequencer;

import dev.vigil.nfa.EventTime;

/** What one source contributed to one stream: its largest timestamp and its explicit watermark. */
final class SourceStream {
    final EventSource source;
    final StreamTime stream;
    long maxSeen = Long.MIN_VALUE;
    long explicit = Long.MIN_VALUE;

    SourceStream(EventSource source, StreamTime stream) {
        this.source = source;
        this.stream = stream;
    }

    /**
     * {@code max seen − delay − 1}, raised by the source's explicit watermarks. The subtraction saturates as the
     * engine's does ({@link EventTime#watermarkAfter}): a delay reaching below the range of {@code long} leaves no
     * watermark instead of wrapping to the end of time.
     */
    long watermark(long delayMs) {
        return Math.max(EventTime.watermarkAfter(maxSeen, delayMs), Math.max(explicit, source.explicitAll));
    }
}
