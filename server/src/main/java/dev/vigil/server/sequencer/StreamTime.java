package dev.vigil.server.sequencer;

import java.util.ArrayList;
import java.util.List;

/** The event time of one stream: its sources' contributions, its watermark, and what was last sent on. */
final class StreamTime {
    final String name;
    final long knownSinceNanos;
    final List<SourceStream> participants = new ArrayList<>();
    long delayMs;
    long watermark = Long.MIN_VALUE;
    long published = Long.MIN_VALUE;
    boolean idle;
    /** False while no rule reads the stream: set aside, its time kept for when one does again. */
    boolean read = true;

    StreamTime(String name, long delayMs, long knownSinceNanos) {
        this.name = name;
        this.delayMs = delayMs;
        this.knownSinceNanos = knownSinceNanos;
    }
}
