package dev.vigil.server.ingest;

import dev.vigil.wire.InputLine;
import java.util.List;

/**
 * An ingest log that only numbers batches and keeps nothing: what the shards hold is all there is, so a restart
 * loses events not yet matched. The durable log replaces it; until then the server promises at-most-once across
 * restarts (documented in docs/api.md).
 */
public final class MemoryIngestLog implements IngestLog {
    private long position;

    @Override
    public long append(String source, List<InputLine> batch) {
        return ++position;
    }

    @Override
    public long lastPosition() {
        return position;
    }
}
