package dev.vigil.connectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker inside the test JVM, for the tests of everything that talks to Kafka: Apache Kafka's own KRaft
 * test kit ({@link KafkaClusterTestKit}) with one combined controller and broker on a random loopback port, its
 * logs in a temporary folder, internal topics (offsets, transactions) of one partition and one replica. No Docker
 * and nothing beyond loopback.
 *
 * <p>A broker takes seconds to start, so a test class starts one for all its tests:
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();
 * ... KAFKA.createTopic("alerts", 3); KAFKA.readCommitted("alerts") ...
 * }</pre>
 * Tests that need the broker gone for a while call {@link #stopBroker} and {@link #startBroker}: the broker comes
 * back on the same port with the same logs, as a restarted broker would.
 *
 * <p><b>Thread-safe</b> for its readers and writers; start and stop from the test's thread.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
    /** How long a helper waits for the broker (create a topic, read a topic to its end). */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private KafkaClusterTestKit cluster;
    private Path folder;
    private long startedInMs;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** Formats and starts the broker and waits until it takes requests. */
    public void start() throws Exception {
        long began = System.nanoTime();
        folder = Files.createTempDirectory("vigil-kafka-");
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(folder)
                .build();
        cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("num.partitions", "1")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        startedInMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
    }

    /** How long {@link #start} took, for the record (not asserted: the machine is shared). */
    public long startedInMs() {
        return startedInMs;
    }

    /** Where clients connect: {@code localhost:<port>}. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Shuts the broker down (the controller stays): clients see connection refused until {@link #startBroker}. */
    public void stopBroker() {
        broker().shutdown();
        broker().awaitShutdown();
    }

    /** Starts the broker {@link #stopBroker} stopped, on the same port, and waits until it takes requests again. */
    public void startBroker() throws Exception {
        broker().startup();
        cluster.waitForReadyBrokers();
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    /** Creates a topic of {@code partitions} partitions (one replica) and waits for it. */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** An admin client of the broker; the caller closes it. */
    public Admin admin() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(config);
    }

    /** Writes string records (key may be null) to a topic, each acknowledged by the broker before this returns. */
    public void produce(String topic, List<Map.Entry<String, String>> records) throws Exception {
        List<ProducerRecord<String, String>> sent = new ArrayList<>();
        for (Map.Entry<String, String> record : records) {
            sent.add(new ProducerRecord<>(topic, record.getKey(), record.getValue()));
        }
        send(sent);
    }

    /** Writes records (to the partitions they name, if they do), each acknowledged before this returns. */
    public void send(List<ProducerRecord<String, String>> records) throws Exception {
        send(bootstrapServers(), records);
    }

    /** {@link #send} to the broker at {@code bootstrap} (one in a process of its own). */
    public static void send(String bootstrap, List<ProducerRecord<String, String>> records) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (ProducerRecord<String, String> record : records) {
                producer.send(record).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Every record of every partition of {@code topic} that a {@code read_committed} consumer sees now, read to the
     * partitions' end offsets, in partition then offset order.
     */
    public List<ConsumerRecord<String, String>> readCommitted(String topic) {
        return readCommitted(bootstrapServers(), topic);
    }

    /** {@link #readCommitted} of the broker at {@code bootstrap} (one in a process of its own). */
    public static List<ConsumerRecord<String, String>> readCommitted(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, TIMEOUT)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            partitions.sort(Comparator.comparingInt(TopicPartition::partition));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, List<ConsumerRecord<String, String>>> read = new HashMap<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!atEnd(consumer, end.keySet(), end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + " not read to its end " + end + " within " + TIMEOUT);
                }
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, String> record : records) {
                    read.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                            p -> new ArrayList<>()).add(record);
                }
            }
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                out.addAll(read.getOrDefault(partition, List.of()));
            }
            return out;
        }
    }

    private static boolean atEnd(KafkaConsumer<?, ?> consumer, Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition, TIMEOUT) < end.get(partition)) {
                return false;
            }
        }
        return true;
    }

    /** Stops the broker and deletes its logs. */
    public void close() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        if (folder != null) {
            deleteQuietly(folder);
            folder = null;
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException alreadyGone) {
            // a temporary folder: the OS cleans what is left
        }
    }
}
