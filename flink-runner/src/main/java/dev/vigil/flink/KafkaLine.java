package dev.vigil.flink;

import dev.vigil.nfa.Event;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One Kafka record as the job's Kafka source reads it ({@link KafkaEvents}): an event, an explicit watermark
 * ({@code {"watermark": ts}}, which moves its partition's event time), or a record that is neither (with the
 * reason), and where it was read. Lives between the source and the operator chained to it only, so the job's
 * per-partition watermarks see watermark records; a Flink POJO with the event typed by {@link EventTypeInfo}, no
 * Kryo.
 */
public final class KafkaLine {
    /** The type of these records, for Flink. */
    static final TypeInformation<KafkaLine> TYPE = Types.POJO(KafkaLine.class, Map.of(
            "event", EventTypeInfo.INSTANCE, "problem", Types.STRING, "watermarkStream", Types.STRING,
            "watermark", Types.LONG, "topic", Types.STRING, "partition", Types.INT, "offset", Types.LONG));

    /** The event, or null. */
    public Event event;
    /** Why the record is not an event, or null. */
    public String problem;
    /** For a watermark record: its stream, or "" for every stream. */
    public String watermarkStream;
    /** For a watermark record: its time; {@code Long.MIN_VALUE} otherwise. */
    public long watermark = Long.MIN_VALUE;
    public String topic;
    public int partition;
    public long offset;

    /** For Flink. */
    public KafkaLine() {
    }

    KafkaLine(String topic, int partition, long offset) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    boolean isWatermark() {
        return watermarkStream != null;
    }

    /** Where it was read: {@code topic T partition P offset O}, as {@code vigil run} reports a record. */
    String where() {
        return "topic " + topic + " partition " + partition + " offset " + offset;
    }

    /** Where it was read, as the fields that open a late-event line ({@code vigil run --late}). */
    Map<String, Object> position() {
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("topic", topic);
        position.put("partition", partition);
        position.put("offset", offset);
        return position;
    }
}
