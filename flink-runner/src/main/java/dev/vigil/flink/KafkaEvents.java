package dev.vigil.flink;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.StreamClocks;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.sequencer.EventIdentity;
import dev.vigil.server.source.KafkaSource;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Events from Kafka topics, read as the server's Kafka source and {@code vigil run --kafka-topics} read them, through
 * Flink's Kafka source: every record decoded by the server's own {@link KafkaSource#decode} (a topic mapped to a
 * stream, or streams named by the values; watermark records), each event named by its record
 * ({@link EventIdentity#ofRecord}: topic, partition, offset), so alert ids are the server's and {@code vigil run}'s;
 * {@code read_committed}, from each partition's first record (a restored job goes on from its checkpoint's offsets).
 *
 * <p><b>Event time per partition.</b> Flink's Kafka source keeps a watermark generator per partition (split): here
 * each follows the streams its partition carries as {@code vigil run} follows a partition (largest timestamp less
 * the stream's delay less one, or where a watermark record put it: at once, so the records after it are judged by
 * it), the lowest of them being the partition's; a
 * partition holds event time back until its first record, and a stream it never carried does not hold it back. The
 * source's watermark is the lowest of its partitions', so an event is late only when it is at or below what every
 * partition has passed. With an idle timeout, a partition without records for that long stops holding event time
 * back (Flink's idleness), as the server's sources do after {@code sourceIdleTimeout}.
 *
 * <p><b>Bad and late records.</b> Operator {@code vigil-kafka-records}, chained to the source, sends on the events;
 * records that are not events (not UTF-8, not JSON, not of a declared shape, of another stream than the topic's) go
 * to {@link LineSequencer#PROBLEMS} as {@code vigil run} reports them ({@code topic T partition P offset O: reason
 * (record skipped)}) and are counted ({@code vigilBadRecords}); events at or below the watermark go to
 * {@link VigilCep#LATE} with their topic, partition and offset, as {@code vigil run --late} writes them, and are
 * counted ({@code vigilLateEvents}).
 */
public final class KafkaEvents {
    /** The source's operator id, for savepoints. */
    static final String SOURCE_ID = "vigil-kafka-events";

    private KafkaEvents() {
    }

    /**
     * How the topics are read.
     *
     * @param topics each topic with its stream, or {@code ""}: the values name their streams
     *     ({@code --kafka-topics TOPIC[=STREAM]})
     * @param bounded read each partition to the end it has when the job starts, then finish (as {@code vigil run}
     *     does); otherwise read on as records come
     * @param idleTimeout how long a partition without records holds event time back; null: until it has records
     */
    public record Topics(Map<String, String> topics, boolean bounded, Duration idleTimeout) {
        public Topics {
            topics = new LinkedHashMap<>(topics);
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("no topics to read");
            }
        }
    }

    /** The events of {@code topics}, watermarked per partition; bad records and late events as side outputs. */
    public static SingleOutputStreamOperator<Event> read(StreamExecutionEnvironment env, KafkaSettings kafka,
            Topics topics, VigilRules rules) {
        Properties properties = kafka.consumer();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var builder = org.apache.flink.connector.kafka.source.KafkaSource.<KafkaLine>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(properties)
                .setTopics(new ArrayList<>(topics.topics().keySet()))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new Records(rules, topics.topics()));
        if (topics.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        WatermarkStrategy<KafkaLine> watermarks = new PartitionWatermarks(rules.streamDelaysMs());
        if (topics.idleTimeout() != null) {
            watermarks = watermarks.withIdleness(topics.idleTimeout());
        }
        return env.fromSource(builder.build(), watermarks, SOURCE_ID).uid(SOURCE_ID)
                .process(new Split(), EventTypeInfo.INSTANCE).name("vigil-kafka-records").uid("vigil-kafka-records");
    }

    /** Records as {@link KafkaLine}s, decoded by the server's {@link KafkaSource#decode}. */
    static final class Records implements KafkaRecordDeserializationSchema<KafkaLine> {
        private static final long serialVersionUID = 1L;

        private final VigilRules rules;
        private final LinkedHashMap<String, String> streams;
        private transient EventDecoder decoder;
        /** The identity base of the partition read last: records come in runs of one partition. */
        private transient String baseTopic;
        private transient int basePartition;
        private transient long base;

        Records(VigilRules rules, Map<String, String> streams) {
            this.rules = rules;
            this.streams = new LinkedHashMap<>(streams);
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            decoder = rules.compile().decoder(!rules.processingTime());
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaLine> out) {
            if (!record.topic().equals(baseTopic) || record.partition() != basePartition) {
                baseTopic = record.topic();
                basePartition = record.partition();
                base = EventIdentity.partition(baseTopic, basePartition);
            }
            String stream = streams.getOrDefault(record.topic(), "");
            // the offset is the event's sequence: a key's events of one timestamp are matched in offset order
            long identity = EventIdentity.at(base, record.offset());
            InputLine line = KafkaSource.decode(record, stream, record.offset(), identity, decoder);
            KafkaLine read = new KafkaLine(record.topic(), record.partition(), record.offset());
            if (line instanceof InputLine.EventLine event) {
                read.event = event.event();
            } else if (line instanceof InputLine.WatermarkLine watermark) {
                read.watermarkStream = watermark.stream() == null ? "" : watermark.stream();
                read.watermark = watermark.timestamp();
            } else if (line instanceof InputLine.Malformed bad) {
                read.problem = bad.message();
            } else {
                read.problem = "an empty record";
            }
            out.collect(read);
        }

        @Override
        public TypeInformation<KafkaLine> getProducedType() {
            return KafkaLine.TYPE;
        }
    }

    /**
     * Per partition, the watermark {@code vigil run} keeps for it: each stream the partition carried follows its
     * largest timestamp less its delay less one (or a watermark record), and the partition's watermark is the lowest
     * of those streams'. Emitted periodically when it moved.
     */
    static final class PartitionWatermarks implements WatermarkStrategy<KafkaLine> {
        private static final long serialVersionUID = 1L;

        private final LinkedHashMap<String, Long> delaysMs;

        PartitionWatermarks(Map<String, Long> delaysMs) {
            this.delaysMs = new LinkedHashMap<>(delaysMs);
        }

        @Override
        public WatermarkGenerator<KafkaLine> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
            return new Generator(new StreamClocks(delaysMs, false), delaysMs.keySet());
        }

        @Override
        public TimestampAssigner<KafkaLine> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
            return (line, recordTimestamp) -> line.event != null ? line.event.timestamp() : recordTimestamp;
        }
    }

    /** One partition's clocks. */
    private static final class Generator implements WatermarkGenerator<KafkaLine> {
        private final StreamClocks clocks;
        private final Set<String> streams;
        /** The streams this partition carried, or was given a watermark for. */
        private final Set<String> carried = new HashSet<>();
        private long emitted = Long.MIN_VALUE;

        Generator(StreamClocks clocks, Set<String> streams) {
            this.clocks = clocks;
            this.streams = streams;
        }

        @Override
        public void onEvent(KafkaLine line, long timestamp, WatermarkOutput output) {
            if (line.event != null) {
                clocks.offer(line.event);
                if (streams.contains(line.event.stream())) {
                    carried.add(line.event.stream());
                }
            } else if (line.isWatermark()) {
                if (line.watermarkStream.isEmpty()) {
                    clocks.advanceWatermark(line.watermark);
                    carried.addAll(streams);
                } else if (streams.contains(line.watermarkStream)) {
                    clocks.advanceWatermark(line.watermarkStream, line.watermark);
                    carried.add(line.watermarkStream);
                }
                emit(output);   // at once: the records after a watermark record are judged by it, as in vigil run
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            emit(output);
        }

        private void emit(WatermarkOutput output) {
            if (carried.isEmpty()) {
                return;
            }
            long watermark = Long.MAX_VALUE;
            for (String stream : carried) {
                watermark = Math.min(watermark, clocks.watermark(stream));
            }
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }
    }

    /** Events on; bad records and late events to their side outputs; watermark records have done their work. */
    static final class Split extends ProcessFunction<KafkaLine, Event> {
        private static final long serialVersionUID = 1L;

        private transient Counter bad;
        private transient Counter late;

        @Override
        public void open(OpenContext context) {
            bad = getRuntimeContext().getMetricGroup().counter("vigilBadRecords");
            late = getRuntimeContext().getMetricGroup().counter("vigilLateEvents");
        }

        @Override
        public void processElement(KafkaLine line, Context context, Collector<Event> out) {
            if (line.event != null) {
                long watermark = context.timerService().currentWatermark();
                if (line.event.timestamp() <= watermark) {
                    late.inc();
                    context.output(VigilCep.LATE, JsonCodec.late(DynamicKeyFunction.lateEvent(line.event, watermark),
                            line.position()));
                } else {
                    out.collect(line.event);
                }
            } else if (line.problem != null) {
                bad.inc();
                context.output(LineSequencer.PROBLEMS, line.where() + ": " + line.problem + " (record skipped)");
            }
        }
    }

    /** The topics of {@code --kafka-topics} entries ({@code TOPIC[=STREAM]}), as the server and vigil run read them. */
    static Map<String, String> topics(List<String> entries) {
        Set<String> seen = new HashSet<>();
        for (String entry : entries) {
            String problem = ServerConfig.KafkaSource.topicProblem(entry);
            if (problem != null) {
                throw new IllegalArgumentException("--kafka-topics: " + problem);
            }
            String topic = entry.split("=", 2)[0].strip();
            if (!seen.add(topic)) {
                throw new IllegalArgumentException("--kafka-topics names topic '" + topic + "' twice");
            }
        }
        return ServerConfig.KafkaSource.topics(entries);
    }
}
