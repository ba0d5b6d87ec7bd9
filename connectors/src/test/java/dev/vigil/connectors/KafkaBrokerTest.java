package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test kit's broker: what is produced is read back, and it comes back after a stop with what it held. */
class KafkaBrokerTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void recordsProducedAreReadBackAcrossABrokerRestart() throws Exception {
        System.err.println("kafka broker started in " + KAFKA.startedInMs() + " ms");
        KAFKA.createTopic("kit", 2);
        KAFKA.produce("kit", List.of(Map.entry("a", "1"), Map.entry("b", "2")));
        assertEquals(2, KAFKA.readCommitted("kit").size());

        long stopping = System.nanoTime();
        KAFKA.stopBroker();
        KAFKA.startBroker();
        System.err.println("kafka broker restarted in " + (System.nanoTime() - stopping) / 1_000_000 + " ms");
        KAFKA.produce("kit", List.of(Map.entry("c", "3")));
        List<String> values = KAFKA.readCommitted("kit").stream().map(ConsumerRecord::value).sorted().toList();
        assertEquals(List.of("1", "2", "3"), values);
    }
}
