package dev.vigil.connectors;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** What every Kafka client of the server starts from: the configured settings its kind of client knows. */
public final class KafkaClients {
    private KafkaClients() {
    }

    /**
     * The entries of {@code configured} (security, timeouts: one map for producers and consumers alike) whose key
     * {@code known} holds ({@code ProducerConfig.configNames()}, {@code ConsumerConfig.configNames()}), so a
     * consumer is not told a producer's setting and does not log it as unknown.
     */
    public static Properties settings(Map<String, String> configured, Set<String> known) {
        Properties settings = new Properties();
        configured.forEach((key, value) -> {
            if (known.contains(key)) {
                settings.put(key, value);
            }
        });
        return settings;
    }
}
