package dev.vigil.server.ingest;

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

    /** {@code max seen − delay − 1}, raised by the source's explicit watermarks. */
    long watermark(long delayMs) {
        long derived = maxSeen == Long.MIN_VALUE ? Long.MIN_VALUE : maxSeen - delayMs - 1;
        return Math.max(derived, Math.max(explicit, source.explicitAll));
    }
}
