package dev.vigil.flink;

import dev.vigil.connectors.KafkaClients;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka cluster a job reads and writes, as {@code vigil run} and the server are told it: the bootstrap servers
 * ({@code --kafka-bootstrap}) and client settings ({@code --kafka-property K=V}: security, timeouts, one map for
 * consumers and producers alike; each client takes those it knows, as the server's clients do).
 *
 * @param bootstrapServers {@code host:port,...}
 * @param properties client settings, by name
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Settings of Flink's Kafka source that are not the consumer's own, passed on all the same. */
    private static final Set<String> SOURCE_OPTIONS = Set.of("partition.discovery.interval.ms", "client.id.prefix",
            "commit.offsets.on.checkpoint", "register.consumer.metrics");

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka cluster: --kafka-bootstrap HOST:PORT,... is required");
        }
        properties = new LinkedHashMap<>(properties);
    }

    /** The settings a consumer (Flink's Kafka source) takes. */
    Properties consumer() {
        Properties settings = KafkaClients.settings(properties, ConsumerConfig.configNames());
        properties.forEach((key, value) -> {
            if (SOURCE_OPTIONS.contains(key)) {
                settings.put(key, value);
            }
        });
        return settings;
    }

    /** The settings a producer (Flink's Kafka sink) takes. */
    Properties producer() {
        return KafkaClients.settings(properties, ProducerConfig.configNames());
    }

    /**
     * A {@code --kafka-property} entry, {@code KEY=VALUE}, into {@code properties}.
     *
     * @throws IllegalArgumentException the entry has no {@code =} or no key
     */
    static void parseProperty(String entry, Map<String, String> properties) {
        int equals = entry.indexOf('=');
        if (equals < 1) {
            throw new IllegalArgumentException("--kafka-property " + entry + ": write KEY=VALUE, e.g. "
                    + "security.protocol=SSL");
        }
        properties.put(entry.substring(0, equals).strip(), entry.substring(equals + 1).strip());
    }
}
