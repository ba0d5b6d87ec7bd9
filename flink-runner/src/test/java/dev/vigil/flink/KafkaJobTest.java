package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The job's Kafka options are checked before anything is built: each mistake a user can make is refused with a
 * sentence that names the options, as {@code vigil run} refuses them.
 */
class KafkaJobTest {
    @Test
    void mistakesInTheKafkaOptionsAreRefusedByName() {
        refused("--kafka-bootstrap HOST:PORT,... is required with the Kafka options", "--kafka-topics", "t");
        refused("--kafka-bootstrap HOST:PORT,... is required with the Kafka options", "--events", "e.ndjson",
                "--alerts-topic", "alerts");
        refused("--kafka-bootstrap needs something to read or write", "--events", "e.ndjson", "--kafka-bootstrap",
                "localhost:9092");
        refused("give --events or --kafka-topics, not both", "--events", "e.ndjson", "--kafka-bootstrap",
                "localhost:9092", "--kafka-topics", "t");
        refused("--events FILE or --kafka-topics TOPIC[=STREAM],... is required", "--kafka-bootstrap",
                "localhost:9092", "--alerts-topic", "alerts");
        refused("--kafka-topics names topic 'a' twice", "--kafka-bootstrap", "localhost:9092", "--kafka-topics",
                "a,b=s,a=t");
        refused("--kafka-topics: 'a b' is not a topic name", "--kafka-bootstrap", "localhost:9092",
                "--kafka-topics", "a b");
        refused("--kafka-property no-equals-sign: write KEY=VALUE", "--kafka-bootstrap", "localhost:9092",
                "--kafka-topics", "t", "--kafka-property", "no-equals-sign");
        refused("give --alerts or --alerts-topic (--late or --late-topic), not both", "--kafka-bootstrap",
                "localhost:9092", "--kafka-topics", "t", "--alerts", "out", "--alerts-topic", "alerts");
        refused("give --rule-changes or --rules-topic, not both", "--kafka-bootstrap", "localhost:9092",
                "--kafka-topics", "t", "--rule-changes", "changes", "--rules-topic", "rules");
        refused("--kafka-bounded and --kafka-idle-timeout are about --kafka-topics", "--events", "e.ndjson",
                "--kafka-bootstrap", "localhost:9092", "--alerts-topic", "alerts", "--kafka-bounded");
        refused("--kafka-idle-timeout must be at least 1 ms", "--kafka-bootstrap", "localhost:9092",
                "--kafka-topics", "t", "--kafka-idle-timeout", "0");
        refused("--kafka-transactional-id-prefix is for --alerts-topic and --late-topic", "--kafka-bootstrap",
                "localhost:9092", "--kafka-topics", "t", "--kafka-transactional-id-prefix", "p");
        refused("--alerts-topic needs a value", "--kafka-bootstrap", "localhost:9092", "--kafka-topics", "t",
                "--alerts-topic");
    }

    /** The job's main with {@code args} after {@code --rules r.cep} refuses them, saying {@code says}. */
    private static void refused(String says, String... args) {
        List<String> all = new ArrayList<>(List.of("--rules", "r.cep"));
        all.addAll(List.of(args));
        IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class,
                () -> VigilFileJob.main(all.toArray(new String[0])), String.join(" ", args));
        assertTrue(refusal.getMessage().contains(says), refusal.getMessage());
    }
}
