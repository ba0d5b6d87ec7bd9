package dev.vigil.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Alerts (and late events) to Kafka topics exactly once, through Flink's Kafka sink with transactions: each
 * checkpoint's records are one transaction per sink subtask, committed when the checkpoint completes, so a
 * {@code read_committed} consumer sees every alert once across failures and restores, and sees it once the checkpoint
 * that follows it completes (the checkpoint interval is the latency).
 *
 * <p>An alert record is the server's Kafka sink's (connectors' {@code KafkaSink}): key the alert id, value the alert's
 * JSON, headers {@code vigil.rule}, {@code vigil.version} and {@code vigil.kind}; the key decides the partition. The
 * server's {@code vigil.position} (the alert's number in its alert log) and {@code vigil.sink} have no counterpart in
 * a job. A late-event record is the line {@code vigil run --late} writes, without key or headers.
 *
 * <p>Transactional ids start with the prefix given ({@code --kafka-transactional-id-prefix}), which must be unique
 * among the jobs writing to a cluster: a restored job aborts what its prefix left open. The transaction timeout is
 * 15 minutes (the broker's default {@code transaction.max.timeout.ms}; Flink's own default, an hour, is refused by
 * such a broker) unless {@code --kafka-property transaction.timeout.ms=...} says otherwise; it must exceed the
 * checkpoint interval and the longest a job may be down before it is restored.
 */
public final class KafkaAlerts {
    /** The producers' transaction timeout unless the settings give one. */
    static final String DEFAULT_TRANSACTION_TIMEOUT_MS = Integer.toString(15 * 60 * 1000);
    static final String RULE = "vigil.rule";
    static final String VERSION = "vigil.version";
    static final String KIND = "vigil.kind";

    private KafkaAlerts() {
    }

    /** A sink of alert JSON lines to {@code topic}, as the server's Kafka sink writes them. */
    public static KafkaSink<String> alerts(KafkaSettings kafka, String topic, String transactionalIdPrefix) {
        return sink(kafka, transactionalIdPrefix, new AlertRecords(topic));
    }

    /** A sink of late-event JSON lines to {@code topic}. */
    public static KafkaSink<String> lateEvents(KafkaSettings kafka, String topic, String transactionalIdPrefix) {
        return sink(kafka, transactionalIdPrefix, new LateRecords(topic));
    }

    private static KafkaSink<String> sink(KafkaSettings kafka, String transactionalIdPrefix,
            KafkaRecordSerializationSchema<String> records) {
        Properties producer = kafka.producer();
        producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
        return KafkaSink.<String>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setRecordSerializer(records)
                .build();
    }

    /** An alert as the server's Kafka sink writes it. */
    static final class AlertRecords implements KafkaRecordSerializationSchema<String> {
        private static final long serialVersionUID = 1L;
        private static final JsonFactory JSON = new JsonFactory();

        private final String topic;

        AlertRecords(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(String alert, KafkaSinkContext context, Long timestamp) {
            String[] head = head(alert);
            RecordHeaders headers = new RecordHeaders();
            if (head[1] != null) {
                headers.add(RULE, bytes(head[1]));
            }
            if (head[2] != null) {
                headers.add(VERSION, bytes(head[2]));
            }
            if (head[3] != null) {
                headers.add(KIND, bytes(head[3]));
            }
            return new ProducerRecord<>(topic, null, head[0] == null ? null : bytes(head[0]), bytes(alert), headers);
        }

        /**
         * The alert's {@code id}, {@code rule}, {@code version} and {@code kind}, read from the head of its JSON
         * (where {@code JsonCodec.alert} writes them); null where absent.
         */
        static String[] head(String alert) {
            String[] head = new String[4];
            int found = 0;
            try (JsonParser parser = JSON.createParser(alert)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return head;
                }
                while (found < head.length && parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    int at = switch (field) {
                        case "id" -> 0;
                        case "rule" -> 1;
                        case "version" -> 2;
                        case "kind" -> 3;
                        default -> -1;
                    };
                    if (at >= 0 && value.isScalarValue()) {
                        head[at] = parser.getText();
                        found++;
                    } else {
                        parser.skipChildren();
                    }
                }
            } catch (IOException notJson) {
                // the job renders every alert: a value without the fields has no such key or headers
            }
            return head;
        }
    }

    /** A late event's line, without key or headers. */
    static final class LateRecords implements KafkaRecordSerializationSchema<String> {
        private static final long serialVersionUID = 1L;

        private final String topic;

        LateRecords(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(String late, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, bytes(late));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
