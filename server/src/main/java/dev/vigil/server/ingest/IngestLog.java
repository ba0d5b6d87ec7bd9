package dev.vigil.server.ingest;

import dev.vigil.wire.InputLine;
import java.util.List;

/**
 * Where every accepted batch is recorded, in the order the shards see it, before it is acknowledged: the seam the
 * durable log plugs into. A batch's position is what a shard reports as consumed, so a checkpoint can pair shard
 * state with a log position.
 *
 * <p>Called with the server's ingest lock held: one append at a time, in log order.
 */
public interface IngestLog {
    /**
     * Records a batch of numbered events and watermarks from {@code source}; returns its position (increasing
     * from 1).
     */
    long append(String source, List<InputLine> batch);

    /** The position of the last batch appended, 0 before the first. */
    long lastPosition();
}
