package dev.vigil.nfa;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One input event: the stream it belongs to, its event time, its position in the input, and its fields
 * as received (a JSON object as nested maps, lists, Strings, Longs, Doubles, Booleans and nulls).
 *
 * <p>The {@code sequence} is the event's position in the input (a line number, the server's ingest number); it
 * breaks timestamp ties in arrival order. The {@code identity} is what the event is, as its source names it: alert
 * ids are derived from it, so the same events give the same alert ids however they were numbered. It defaults to
 * the sequence (a file's line number is both); a server source that can name its events again after a crash (a
 * client's named batch, a Kafka offset) gives each a 64-bit identity of its own. Events are immutable once built;
 * the field map must not be changed by the caller afterwards.
 */
public final class Event {
    private final String stream;
    private final long timestamp;
    private final long sequence;
    private final long identity;
    private final Map<String, Object> fields;

    /** An event whose identity is its sequence. */
    public Event(String stream, long timestamp, long sequence, Map<String, Object> fields) {
        this(stream, timestamp, sequence, sequence, fields);
    }

    public Event(String stream, long timestamp, long sequence, long identity, Map<String, Object> fields) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.timestamp = timestamp;
        this.sequence = sequence;
        this.identity = identity;
        this.fields = Objects.requireNonNull(fields, "fields");
    }

    public String stream() {
        return stream;
    }

    /** Event time in epoch milliseconds. */
    public long timestamp() {
        return timestamp;
    }

    public long sequence() {
        return sequence;
    }

    /** What alert ids are derived from: the {@link #sequence} unless the source named the event otherwise. */
    public long identity() {
        return identity;
    }

    /** The fields as received, including {@code stream} and {@code ts} when the source sent them. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** A top-level field, or {@code null} when absent. */
    public Object field(String name) {
        return fields.get(name);
    }

    /** A nested field ({@code device.os}), or {@code null} when any step is absent or not an object. */
    public Object field(List<String> path) {
        Object value = fields;
        for (int i = 0; i < path.size(); i++) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(path.get(i));
        }
        return value;
    }

    @Override
    public String toString() {
        return stream + "@" + timestamp + "#" + sequence + (identity == sequence ? "" : "~" + identity) + fields;
    }
}
