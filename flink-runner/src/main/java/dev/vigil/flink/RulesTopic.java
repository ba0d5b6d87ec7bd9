package dev.vigil.flink;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The rules stream read from a Kafka topic: each record is one rule change, as a file of the changes folder
 * ({@link RuleChanges}) is: the key is the change's name, the value its text. Key {@code x.cep}: rule text, every rule
 * it defines deployed or replaced; key {@code x.delete}: rule names, one a line, deleted. A record with another key
 * (or none, or not UTF-8) is refused as a change file with another suffix is, and the rules stay as they were.
 *
 * <p>Order is the topic's: partition 0 is read, from its first record, {@code read_committed}, at parallelism 1, so
 * every task applies the changes in offset order; give the topic one partition (records of other partitions are not
 * read). A job started afresh applies every change the topic holds, in order; a restored job goes on after the last
 * offset its checkpoint or savepoint read, so no change is applied twice. The watermark is +∞
 * ({@link RuleChanges#watermarks()}): the rules never hold back event time. Operator id {@code vigil-rules-topic}.
 */
public final class RulesTopic {
    static final String SOURCE_ID = "vigil-rules-topic";

    private RulesTopic() {
    }

    /** The changes of {@code topic}'s partition 0, as the rules stream of {@link VigilCep}. */
    public static DataStream<Tuple2<String, String>> read(StreamExecutionEnvironment env, KafkaSettings kafka,
            String topic) {
        Properties properties = kafka.consumer();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaSource<Tuple2<String, String>> source = KafkaSource.<Tuple2<String, String>>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(properties)
                .setPartitions(Set.of(new TopicPartition(topic, 0)))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new Changes())
                .build();
        return env.fromSource(source, RuleChanges.watermarks(), SOURCE_ID).setParallelism(1).uid(SOURCE_ID);
    }

    /** A record as (name, text): its key and value as UTF-8 text. */
    static final class Changes implements KafkaRecordDeserializationSchema<Tuple2<String, String>> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Tuple2<String, String>> out) {
            String where = "record " + record.offset() + " of " + record.topic();
            String name = text(record.key());
            String text = text(record.value());
            if (name == null || name.isEmpty()) {
                name = where + " (no key naming the change, x.cep or x.delete, in UTF-8)";
            } else if (record.value() != null && text == null) {
                name = where + " (key " + name + "; its value is not UTF-8 text)";
            }
            out.collect(Tuple2.of(name, text == null ? "" : text));
        }

        @Override
        public TypeInformation<Tuple2<String, String>> getProducedType() {
            return VigilCep.RULE_CHANGE;
        }

        private static String text(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException notUtf8) {
                return null;
            }
        }
    }
}
