package dev.vigil.server.log;

import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import java.util.List;
import java.util.Map;

/**
 * Where everything the shards are given is recorded, in the order they get it, before it is acknowledged: event
 * batches (numbered events and the stream watermarks sent with them) and rule changes. Replaying it into fresh
 * shards rebuilds their state exactly (alert ids included), which is how the server recovers after a crash.
 * A record's position is what a shard reports as consumed.
 *
 * <p>A write that fails throws {@link IngestLogException} and leaves no record behind: the caller then gives the
 * shards nothing and acknowledges nothing, so a failing disk is reported to the sender, never lost silently.
 *
 * <p>Called with the server's ingest lock held: one append at a time, in log order. {@link #refusal} and
 * {@link #whenDurable} may be called from any thread.
 */
public interface IngestLog extends AutoCloseable {
    /**
     * Records a batch of numbered events and the stream watermarks the shards got with it, from {@code source};
     * returns its position (increasing).
     *
     * @throws IngestLogException when the batch could not be written (nothing of it is in the log)
     */
    default long append(String source, List<InputLine> batch) {
        return append(source, null, batch);
    }

    /**
     * As {@link #append(String, List)}, for a batch its client named {@code name} ({@code null}: unnamed); the
     * events keep their identities ({@link dev.vigil.nfa.Event#identity}) where they differ from their numbers.
     */
    long append(String source, BatchId name, List<InputLine> batch);

    /**
     * Records a deployment: the rules named in {@code versions} (name to version) from {@code text}, which came
     * from {@code origin} ({@link #HTTP}, or the rule file's path), at {@code deployedAtMs}, and the stream
     * watermarks the shards got with it.
     */
    long appendDeploy(String origin, String text, Map<String, Integer> versions, long deployedAtMs,
            List<InputLine.WatermarkLine> watermarks);

    /**
     * Makes sure a record of up to {@code bytes} can be written next, or throws {@link IngestLogException} with the
     * reason (a full disk): called before a rule change alters anything, so a change the log cannot take is refused
     * whole rather than half made.
     */
    default void makeRoom(long bytes) {
    }

    /** Records that the rule {@code name} was removed, at a time not known. */
    long appendUndeploy(String name);

    /**
     * Records that the rule {@code name} was removed at {@code undeployedAtMs} (wall clock, epoch ms), which the
     * rules' version history shows after a restart; a log that keeps no time records it as {@link #appendUndeploy}.
     */
    default long appendUndeploy(String name, long undeployedAtMs) {
        return appendUndeploy(name);
    }

    /** The position of the last record appended, 0 before the first. */
    long lastPosition();

    /**
     * Why the log takes no event batch now (its data folder is below its free-space reserve), or {@code null}
     * when it takes them. Cheap: a volatile read, kept current by a background probe.
     */
    default String refusal() {
        return null;
    }

    /**
     * Calls {@code then} once the record at {@code position} is as durable as the acknowledgement policy asks: at
     * once when an acknowledgement follows the write (the default), after the flush to disk that covers it when it
     * follows a flush. {@code then} may run on the caller's thread or on the log's flushing thread.
     */
    default void whenDurable(long position, Durable then) {
        then.done(null);
    }

    /** What to do once a record is durable, or failed to become so. */
    @FunctionalInterface
    interface Durable {
        /** @param failure {@code null} when the record is durable, else why it may not be (for the sender) */
        void done(String failure);
    }

    /**
     * Lets the log drop what its retention policy allows, keeping every record after {@code neededPosition} (the
     * position the oldest kept checkpoint starts from; 0: keep everything); returns the files deleted.
     */
    default List<java.nio.file.Path> retain(long neededPosition, long nowMs) {
        return List.of();
    }

    /** The origin of rules deployed over HTTP. */
    String HTTP = "http";

    @Override
    default void close() {
    }

    /**
     * The records after {@code position}, in log order, for recovery to replay; a log kept only in memory holds none
     * after a start.
     */
    Reader readAfter(long position);

    /** Reads records in log order. */
    interface Reader {
        /** The next record, or {@code null} at the end of the log. */
        LogRecord next();
    }
}
