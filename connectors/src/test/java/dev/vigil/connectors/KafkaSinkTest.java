package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kafka sink against a real broker: records with key, value and headers, one transaction per batch, resuming
 * from the topic's own headers after a restart or an abandoned transaction, and a broker that goes away and comes
 * back.
 */
class KafkaSinkTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final Duration LONG = Duration.ofSeconds(90);
    private final List<Sink> sinks = new ArrayList<>();

    @AfterEach
    void close() {
        sinks.forEach(Sink::close);
    }

    @Test
    void alertsOfItsRulesLandWithTheAlertIdAsKeyTheJsonAsValueAndHeaders() throws Exception {
        KAFKA.createTopic("headers", 3);
        ListFeed feed = new ListFeed();
        for (int i = 0; i < 30; i++) {
            feed.append("a" + i, i % 3 == 0 ? "other" : "fraud");
        }
        KafkaSink sink = open("archive", "headers", feed, Set.of("fraud"));
        // a commit's markers reach the partitions just after the commit returns: the records show up then
        Await.until(() -> KAFKA.readCommitted("headers").size() == 20, sink::state, LONG);

        List<ConsumerRecord<String, String>> records = KAFKA.readCommitted("headers");
        Map<String, AlertFeed.Entry> logged = new HashMap<>();
        feed.entries().forEach(entry -> logged.put(entry.alertId(), entry));
        for (ConsumerRecord<String, String> record : records) {
            AlertFeed.Entry entry = logged.get(record.key());
            assertNotNull(entry, record.key());
            assertEquals(entry.json(), record.value());
            assertEquals("fraud", header(record, "vigil.rule"));
            assertEquals("1", header(record, "vigil.version"));
            assertEquals("match", header(record, "vigil.kind"));
            assertEquals(Long.toString(entry.number()), header(record, "vigil.position"));
            assertEquals("archive", header(record, "vigil.sink"));
        }
        assertTrue(records.stream().map(ConsumerRecord::partition).distinct().count() > 1, "keys spread");
        assertEquals(0, sink.stats().dropped());
    }

    @Test
    void aRestartedSinkResumesAfterTheLastPositionInTheTopicWithoutDuplicatesOrGaps() throws Exception {
        KAFKA.createTopic("resume", 4);
        ListFeed feed = new ListFeed();
        for (int i = 0; i < 25; i++) {
            feed.append("r" + i, "fraud");
        }
        KafkaSink first = open("resume", "resume", feed, Set.of("fraud"));
        Await.until(() -> first.stats().delivered() == 25, first::state, LONG);
        first.close();

        // alerts logged while no sink ran, and a transaction an earlier incarnation left open (a kill -9 mid-commit):
        // the next sink aborts it when it starts and sends those alerts again
        for (int i = 25; i < 60; i++) {
            feed.append("r" + i, "fraud");
        }
        abandonTransaction("vigil-resume", "resume", feed.entries().subList(25, 30));

        KafkaSink second = open("resume", "resume", feed, Set.of("fraud"));
        Await.until(() -> second.stats().delivered() == 35, second::state, LONG);
        Await.until(() -> KAFKA.readCommitted("resume").size() >= 60, second::state, LONG);
        assertEquals(idsOf(feed.entries()), keysOf(KAFKA.readCommitted("resume")));
    }

    @Test
    void alertsTheLogNoLongerHoldsAreCountedAsDroppedAndTheRestIsSent() throws Exception {
        KAFKA.createTopic("gap", 1);
        ListFeed feed = new ListFeed();
        feed.append("g1", "fraud");
        feed.skipTo(10);
        feed.append("g10", "fraud");
        KafkaSink sink = open("gap", "gap", feed, Set.of("fraud"));
        Await.until(() -> KAFKA.readCommitted("gap").size() == 2, sink::state, LONG);
        assertEquals(8, sink.stats().dropped());
        assertEquals(List.of("g1", "g10"), keysOf(KAFKA.readCommitted("gap")));
    }

    @Test
    void aBrokerThatGoesAwayCostsFailuresNotAlertsAndTheSinkCarriesOnWhenItIsBack() throws Exception {
        KAFKA.createTopic("outage", 2);
        ListFeed feed = new ListFeed();
        for (int i = 0; i < 10; i++) {
            feed.append("o" + i, "fraud");
        }
        KafkaSink sink = open("outage", "outage", feed, Set.of("fraud"), Map.of("max.block.ms", "2000",
                "delivery.timeout.ms", "3000", "request.timeout.ms", "1000", "transaction.timeout.ms", "3000",
                "retry.backoff.max.ms", "1000"));
        Await.until(() -> sink.stats().delivered() == 10, sink::state, LONG);

        KAFKA.stopBroker();
        try {
            for (int i = 10; i < 40; i++) {
                feed.append("o" + i, "fraud");
                assertTrue(sink.offer("o" + i, "fraud", "{}"));   // returns at once: the alert is in the log
            }
            Await.until(() -> sink.stats().failed() >= 2, sink::state, LONG);
            assertTrue(sink.state().startsWith("failing"), sink.state());
        } finally {
            KAFKA.startBroker();
        }
        Await.until(() -> KAFKA.readCommitted("outage").size() >= 40, sink::state, LONG);
        assertEquals(idsOf(feed.entries()), keysOf(KAFKA.readCommitted("outage")));
        assertTrue(sink.stats().retries() >= 1, sink.stats().toString());
    }

    @Test
    void theWaitBetweenAttemptsGrowsToTheClientsRetryBackoffMaxWhenTheSettingsGiveOne() {
        assertEquals(KafkaSink.MAX_BACKOFF_MS, KafkaSink.maxBackoffMs(Map.of()));
        assertEquals(1_000, KafkaSink.maxBackoffMs(Map.of("retry.backoff.max.ms", "1000")));
        assertEquals(KafkaSink.MAX_BACKOFF_MS, KafkaSink.maxBackoffMs(Map.of("retry.backoff.max.ms", "soon")));
        assertEquals(KafkaSink.MAX_BACKOFF_MS, KafkaSink.maxBackoffMs(Map.of("retry.backoff.max.ms", "0")));
    }

    private KafkaSink open(String name, String topic, AlertFeed feed, Set<String> rules) {
        return open(name, topic, feed, rules, Map.of());
    }

    private KafkaSink open(String name, String topic, AlertFeed feed, Set<String> rules,
            Map<String, String> properties) {
        KafkaSink sink = new KafkaSink(name, new SinkSpec.Kafka(topic, KAFKA.bootstrapServers(), null, properties,
                SinkSpec.Kafka.DEFAULT_QUEUE_CAPACITY), feed);
        sinks.add(sink);
        sink.sendRules(rules);
        sink.start();
        return sink;
    }

    /** Sends {@code entries} as the sink would, in a transaction that is never committed, then vanishes. */
    private static void abandonTransaction(String transactionalId, String topic, List<AlertFeed.Entry> entries)
            throws Exception {
        Properties settings = new Properties();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new StringSerializer());
        producer.initTransactions();
        producer.beginTransaction();
        for (AlertFeed.Entry entry : entries) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("vigil.sink", "resume".getBytes(StandardCharsets.UTF_8));
            headers.add("vigil.position", Long.toString(entry.number()).getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(topic, null, entry.alertId(), entry.json(), headers)).get();
        }
        producer.close(Duration.ZERO);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> idsOf(List<AlertFeed.Entry> entries) {
        return entries.stream().map(AlertFeed.Entry::alertId).sorted().toList();
    }

    private static List<String> keysOf(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::key).sorted().toList();
    }
}
