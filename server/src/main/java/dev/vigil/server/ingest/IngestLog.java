package dev.vigil.server.ingest;

import dev.vigil.wire.InputLine;
import java.util.List;
import java.util.Map;

/**
 * Where everything the shards are given is recorded, in the order they get it, before it is acknowledged: event
 * batches (numbered events and the stream watermarks sent with them) and rule changes. Replaying it into fresh
 * shards rebuilds their state exactly (alert ids included), which is how the server recovers after a crash.
 * A record's position is what a shard reports as consumed.
 *
 * <p>Called with the server's ingest lock held: one append at a time, in log order.
 */
public interface IngestLog extends AutoCloseable {
    /**
     * Records a batch of numbered events and the stream watermarks the shards got with it, from {@code source};
     * returns its position (increasing).
     */
    long append(String source, List<InputLine> batch);

    /**
     * Records a deployment: the rules named in {@code versions} (name to version) from {@code text}, which came
     * from {@code origin} ({@link #HTTP}, or the rule file's path), at {@code deployedAtMs}, and the stream
     * watermarks the shards got with it.
     */
    long appendDeploy(String origin, String text, Map<String, Integer> versions, long deployedAtMs,
            List<InputLine.WatermarkLine> watermarks);

    /** Records that the rule {@code name} was removed. */
    long appendUndeploy(String name);

    /** The position of the last record appended, 0 before the first. */
    long lastPosition();

    /** The origin of rules deployed over HTTP. */
    String HTTP = "http";

    @Override
    default void close() {
    }
}
