package dev.vigil.bench.compare;

/**
 * One event of the generated stream as the Flink runner feeds it. A Flink POJO (public class, public mutable
 * fields, a no-argument constructor), so Flink serialises it between tasks with its own PojoSerializer rather than
 * falling back to Kryo, as a Flink user would write it.
 */
public final class FlinkEvent {
    public String key;
    public String type;
    public int value;
    public long ts;
    /** The event's index in the stream: its id in a match. */
    public int id;

    /** For Flink's POJO serialiser. */
    public FlinkEvent() {
    }

    public FlinkEvent(String key, String type, int value, long ts, int id) {
        this.key = key;
        this.type = type;
        this.value = value;
        this.ts = ts;
        this.id = id;
    }

    /** Every event of the stream, in order: built before any timing starts. */
    static FlinkEvent[] of(GeneratedStream stream) {
        FlinkEvent[] events = new FlinkEvent[stream.size()];
        for (int i = 0; i < events.length; i++) {
            events[i] = new FlinkEvent(stream.key(i), stream.type(i), stream.value(i), stream.timestamp(i), i);
        }
        return events;
    }

    @Override
    public String toString() {
        return id + ":" + key + "/" + type + value + "@" + ts;
    }
}
