package dev.vigil.server.log;

import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import java.util.List;
import java.util.Map;

/**
 * An ingest log that only numbers records and keeps nothing, for a server without a data folder: what the shards
 * hold is all there is, so a restart loses events not yet matched and every rule's state.
 */
public final class MemoryIngestLog implements IngestLog {
    private long position;

    @Override
    public long append(String source, BatchId name, List<InputLine> batch) {
        return ++position;
    }

    @Override
    public long appendDeploy(String origin, String text, Map<String, Integer> versions, long deployedAtMs,
            List<InputLine.WatermarkLine> watermarks) {
        return ++position;
    }

    @Override
    public long appendUndeploy(String name) {
        return ++position;
    }

    @Override
    public long lastPosition() {
        return position;
    }

    /** Nothing to replay: what was in memory went with the process. */
    @Override
    public Reader readAfter(long position) {
        return () -> null;
    }
}
