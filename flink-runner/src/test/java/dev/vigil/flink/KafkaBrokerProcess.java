package dev.vigil.flink;

import dev.vigil.connectors.KafkaBroker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The connectors' test broker ({@link KafkaBroker}: Kafka's KRaft test kit, one node on a random loopback port) in a
 * JVM of its own, for the tests of the Flink job's Kafka source and sink. The broker needs kafka-clients 4 and
 * Flink's Kafka connector the 3.x client it was built on, and one JVM holds one of them: this test JVM runs the
 * connector, the child JVM the broker, on this JVM's classpath with kafka-clients 4 in place of 3.x (the jar the
 * build copies to {@code target/broker-lib}). The child writes its bootstrap address to a file, and stops (deleting
 * its logs) when this JVM closes its standard input or ends.
 *
 * <pre>{@code @RegisterExtension static final KafkaBrokerProcess KAFKA = new KafkaBrokerProcess();}</pre>
 *
 * The helpers (topics, records in, committed records out) use this JVM's client, through {@link KafkaBroker}'s.
 */
final class KafkaBrokerProcess implements BeforeAllCallback, AfterAllCallback {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Process process;
    private Path folder;
    private String bootstrap;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        folder = Files.createTempDirectory("vigil-broker-process-");
        Path address = folder.resolve("bootstrap");
        Path log = folder.resolve("broker.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx512m", "-cp", brokerClasspath(), KafkaBrokerProcess.class.getName(),
                address.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(address)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the broker process did not start (exit "
                        + (process.isAlive() ? "none" : process.exitValue()) + "):\n" + tail(log));
            }
            TimeUnit.MILLISECONDS.sleep(50);   // polls a file another process writes
        }
        bootstrap = Files.readString(address, StandardCharsets.UTF_8).strip();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.getOutputStream().close();   // the child's cue to stop
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (folder != null) {
            try (var files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Where clients connect: {@code localhost:<port>}. */
    String bootstrapServers() {
        return bootstrap;
    }

    /** Creates a topic of {@code partitions} partitions (one replica) and waits for it. */
    void createTopic(String topic, int partitions) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Writes records (to the partitions they name), each acknowledged before this returns. */
    void send(List<ProducerRecord<String, String>> records) throws Exception {
        KafkaBroker.send(bootstrap, records);
    }

    /** A {@code read_committed} consumer of this broker, assigned nothing yet; the caller closes it. */
    KafkaConsumer<String, String> readCommitted() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** Every committed record of {@code topic} now, read to its partitions' ends, by partition then offset. */
    List<ConsumerRecord<String, String>> committed(String topic) {
        return KafkaBroker.readCommitted(bootstrap, topic);
    }

    /**
     * The committed records of {@code topic} once there are at least {@code expected} of them, or after a minute:
     * a job reported finished has committed its last transaction, but the broker writes the commit's markers to the
     * partitions after answering the commit, so a read at once may stop short of them (at the last stable offset).
     */
    List<ConsumerRecord<String, String>> committed(String topic, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        List<ConsumerRecord<String, String>> records = committed(topic);
        while (records.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            records = committed(topic);
        }
        return records;
    }

    /** This JVM's classpath with kafka-clients 4 (for the broker) in place of the connector's 3.x. */
    private static String brokerClasspath() {
        String clients4 = System.getProperty("vigil.broker.kafka.clients");
        if (clients4 == null || !Files.isRegularFile(Path.of(clients4))) {
            throw new IllegalStateException("no kafka-clients jar for the broker at " + clients4 + " (system property"
                    + " vigil.broker.kafka.clients, set by the module's pom)");
        }
        List<String> entries = new ArrayList<>();
        entries.add(clients4);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (!(name.startsWith("kafka-clients-") && !name.contains("-test"))) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The child: starts the broker, writes its address to the file named, runs until its standard input ends. */
    public static void main(String[] args) throws Exception {
        KafkaBroker broker = new KafkaBroker();
        broker.start();
        Path file = Path.of(args[0]);
        Path partial = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(partial, broker.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        System.err.printf("broker %s ready in %d ms%n", broker.bootstrapServers(), broker.startedInMs());
        try {
            while (System.in.read() >= 0) {
                // nothing is sent: end of input means the test JVM is done (or gone)
            }
        } finally {
            broker.close();
        }
        System.exit(0);
    }
}
