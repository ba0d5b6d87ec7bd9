package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.connectors.KafkaBroker;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil run --kafka-topics} against a real broker in the test JVM: every partition read to its end, each a
 * source of event time of its own (as in the server), bad and late records reported with topic, partition and
 * offset, and the mistakes a user can make answered with their exit status. That its alerts equal a server's
 * reading the same topic, ids included, is checked by {@code KafkaPipelineCrashTest}'s reference run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaRunTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final String RULES = """
            STREAM payments (card STRING, amount DOUBLE, n LONG, ts TIMESTAMP) WATERMARK DELAY 1 SECOND;
            RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500 EMIT n = b.n;
            """;

    @TempDir
    Path dir;

    @Test
    void eachPartitionIsReadToItsEndOnItsOwnTimeAndBadOrLateRecordsAreReportedWhereTheyAre() throws Exception {
        KAFKA.createTopic("payments", 2);
        KAFKA.send(List.of(
                record(0, "{\"card\":\"c0\",\"amount\":600,\"n\":1,\"ts\":10000}"),
                record(0, "{\"card\":\"c0\",\"amount\":600,\"n\":2,\"ts\":20000}"),
                record(0, "{\"card\":\"c0\",\"amount\":600,\"n\":3,\"ts\":30000}"),
                record(0, "{\"card\":\"c0\",\"amount\":600,\"n\":4,\"ts\":5000}"),
                record(1, "{\"card\":\"c1\",\"amount\":700,\"n\":5,\"ts\":1000}"),
                record(1, "{\"card\":\"c1\",\"amount\":700,\"n\":6,\"ts\":2000}"),
                record(1, "not json")));
        Path rules = Files.writeString(dir.resolve("big.cep"), RULES);
        Path late = dir.resolve("late.ndjson");

        CliRun run = CliRun.of("run", "--rules", rules.toString(), "--kafka-bootstrap", KAFKA.bootstrapServers(),
                "--kafka-topics", "payments=payments", "--late", late.toString());

        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of(1L, 2L, 3L, 5L, 6L), numbers(run), "partition 1's early events are on time: its "
                + "time is its own, not partition 0's");
        assertTrue(run.err().contains("topic payments partition 1 offset 2: the value is not JSON"), run.err());
        assertTrue(run.err().contains("(record skipped)"), run.err());
        assertTrue(run.err().contains("vigil run: 6 events, 5 alerts (5 matches, 0 timeouts), 1 late, 1 malformed, "
                + "0 for no rule, from 7 records of 2 partitions"), run.err());
        JsonObject lateEvent = new JsonObject(Files.readString(late).strip());
        assertEquals("payments", lateEvent.getString("topic"));
        assertEquals(0, lateEvent.getInteger("partition"));
        assertEquals(3, lateEvent.getLong("offset"));
        assertEquals(5000, lateEvent.getLong("ts"));
        assertEquals(28999, lateEvent.getLong("watermark"));

        assertEquals(run.out(), CliRun.of("run", "--rules", rules.toString(), "--kafka-bootstrap",
                KAFKA.bootstrapServers(), "--kafka-topics", "payments=payments").out(), "a second run of the same "
                + "records gives the same alerts, ids included");

        // the same records as one file, partition after partition: one time for all, so partition 1's are late
        Path file = Files.writeString(dir.resolve("payments.ndjson"), String.join("\n",
                "{\"stream\":\"payments\",\"card\":\"c0\",\"amount\":600,\"n\":1,\"ts\":10000}",
                "{\"stream\":\"payments\",\"card\":\"c0\",\"amount\":600,\"n\":2,\"ts\":20000}",
                "{\"stream\":\"payments\",\"card\":\"c0\",\"amount\":600,\"n\":3,\"ts\":30000}",
                "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":700,\"n\":5,\"ts\":1000}"),
                StandardCharsets.UTF_8);
        CliRun fromFile = CliRun.of("run", "--rules", rules.toString(), "--events", file.toString());
        assertEquals(List.of(1L, 2L, 3L), numbers(fromFile), fromFile.err());
    }

    @Test
    void topicsThatCannotBeReadAreExitThreeAndWrongOptionsExitTwo() throws Exception {
        Path rules = Files.writeString(dir.resolve("big.cep"), RULES);

        CliRun missing = CliRun.of("run", "--rules", rules.toString(), "--kafka-bootstrap", KAFKA.bootstrapServers(),
                "--kafka-topics", "nowhere=payments", "--kafka-timeout", "5s");
        assertEquals(RunCommand.EXIT_KAFKA_UNREADABLE, missing.exit(), missing.err());
        assertEquals("vigil run: topic 'nowhere' does not exist at " + KAFKA.bootstrapServers() + "\n",
                missing.err());

        CliRun unreachable = CliRun.of("run", "--rules", rules.toString(), "--kafka-bootstrap", "127.0.0.1:1",
                "--kafka-topics", "payments", "--kafka-timeout", "2s");
        assertEquals(RunCommand.EXIT_KAFKA_UNREADABLE, unreachable.exit(), unreachable.err());
        assertTrue(unreachable.err().startsWith("vigil run: no answer from 127.0.0.1:1 within 2000 ms"),
                unreachable.err());

        for (List<String> wrong : List.of(
                List.of("--kafka-topics", "payments", "--events", "-"),
                List.of("--kafka-topics", "payments"),
                List.of("--kafka-bootstrap", KAFKA.bootstrapServers()),
                List.of("--kafka-bootstrap", KAFKA.bootstrapServers(), "--kafka-topics", "pay ments"),
                List.of("--kafka-bootstrap", KAFKA.bootstrapServers(), "--kafka-topics", "a,b=payments,a"))) {
            List<String> args = new ArrayList<>(List.of("run", "--rules", rules.toString()));
            args.addAll(wrong);
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(Vigil.EXIT_USAGE, run.exit(), wrong + ": " + run.err());
            assertTrue(run.err().startsWith("vigil run: ") && run.err().contains("kafka"), wrong + ": " + run.err());
        }
    }

    private static List<Long> numbers(CliRun run) {
        List<Long> numbers = new ArrayList<>();
        for (String line : run.outLines()) {
            numbers.add(new JsonObject(line).getJsonObject("fields").getLong("n"));
        }
        numbers.sort(null);
        return numbers;
    }

    private static ProducerRecord<String, String> record(int partition, String value) {
        return new ProducerRecord<>("payments", partition, null, value);
    }
}
