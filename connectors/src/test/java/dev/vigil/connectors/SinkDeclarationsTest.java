package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sink declarations of the configuration file: what each field means, and errors naming sink and field. */
class SinkDeclarationsTest {
    private static final Path BASE = Path.of("/etc/vigil");

    @Test
    void readsEveryTypeWithDefaultsRelativePathsAndRuleAttachments() throws Exception {
        List<SinkDeclaration> sinks = SinkDeclarations.parse(new JsonObject("""
                {"fraud_hook": {"type": "webhook", "url": "https://hooks.example.com/fraud", "timeoutMs": 2000,
                                "headers": {"Authorization": "Bearer t0ken"}, "rules": ["card-testing"]},
                 "archive": {"type": "file", "path": "alerts/all.ndjson", "maxBytes": 1048576, "maxFiles": 5,
                             "rules": ["*"]},
                 "console": {"type": "log", "queueCapacity": 50}}
                """), BASE);
        assertEquals(List.of(
                new SinkDeclaration("fraud_hook", new SinkSpec.Webhook(URI.create("https://hooks.example.com/fraud"),
                        2_000, 8, 200, 30_000, 10_000, 4, Map.of("Authorization", "Bearer t0ken")),
                        List.of("card-testing")),
                new SinkDeclaration("archive", new SinkSpec.File(Path.of("/etc/vigil/alerts/all.ndjson"), 1_048_576,
                        86_400_000, 5, 10_000), List.of("*")),
                new SinkDeclaration("console", new SinkSpec.Log(50), List.of())), sinks);
        assertTrue(sinks.get(1).attachedTo("anything"));
        assertTrue(sinks.get(0).attachedTo("card-testing"));
        assertFalse(sinks.get(0).attachedTo("other"));
    }

    @Test
    void durationsAreWrittenAsEverywhereAndTheFormerNamesInMillisecondsStillWork() throws Exception {
        SinkDeclaration hook = SinkDeclarations.parse("h", Map.of("type", "webhook", "url", "http://h.example/",
                "timeout", "2s", "initialBackoff", "PT0.5S", "maxBackoff", 60_000), BASE);
        assertEquals(new SinkSpec.Webhook(URI.create("http://h.example/"), 2_000, 8, 500, 60_000, 10_000, 4,
                Map.of()), hook.spec());
        SinkDeclaration file = SinkDeclarations.parse("f", Map.of("type", "file", "path", "a", "rotateEvery", "1h"),
                BASE);
        assertEquals(3_600_000, ((SinkSpec.File) file.spec()).rotateEveryMs());
        SinkDeclaration old = SinkDeclarations.parse("f", Map.of("type", "file", "path", "a", "rotateEveryMs", 1_000),
                BASE);
        assertEquals(1_000, ((SinkSpec.File) old.spec()).rotateEveryMs());
        assertError("sinks.h.timeout: expected a duration such as 500ms, 5s, 1m, 1h, 1d or PT5S (a bare number is "
                + "milliseconds), of at least 1ms, got \"soon\"",
                "{\"h\": {\"type\": \"webhook\", \"url\": \"http://h.example/\", \"timeout\": \"soon\"}}");
        assertError("sinks.h.timeout and sinks.h.timeoutMs name the same setting (timeoutMs is its deprecated name, "
                + "in milliseconds); give timeout only", "{\"h\": {\"type\": \"webhook\", \"url\": "
                + "\"http://h.example/\", \"timeout\": \"1s\", \"timeoutMs\": 1000}}");
    }

    @Test
    void aWebhookSpecNeverPrintsHeaderValues() throws Exception {
        SinkDeclaration hook = SinkDeclarations.parse("h", Map.of("type", "webhook", "url", "http://h.example/",
                "headers", Map.of("Authorization", "Bearer t0ken")), BASE);
        assertFalse(hook.toString().contains("t0ken"), hook::toString);
        assertTrue(hook.toString().contains("Authorization"), hook::toString);
    }

    @Test
    void mistakesNameTheSinkAndTheField() {
        assertError("sinks.fraud_hook.timeoutMs: expected a positive integer, got -5",
                "{\"fraud_hook\": {\"type\": \"webhook\", \"url\": \"http://h.example/\", \"timeoutMs\": -5}}");
        assertError("sinks.fraud_hook.timeoutMs: expected a positive integer, got \"5s\"",
                "{\"fraud_hook\": {\"type\": \"webhook\", \"url\": \"http://h.example/\", \"timeoutMs\": \"5s\"}}");
        assertError("sinks.h.url: expected an http:// or https:// URL with a host, got \"ftp://h.example/\"",
                "{\"h\": {\"type\": \"webhook\", \"url\": \"ftp://h.example/\"}}");
        assertError("sinks.h.url: expected a non-empty string, got nothing", "{\"h\": {\"type\": \"webhook\"}}");
        assertError("sinks.h.type: expected \"webhook\", \"file\", \"log\" or \"kafka\", got \"queue\"",
                "{\"h\": {\"type\": \"queue\"}}");
        assertError("sinks.f.maxbytes: unknown field; a file sink takes maxBytes, maxFiles, path, queueCapacity, "
                + "rotateEvery, rules, type", "{\"f\": {\"type\": \"file\", \"path\": \"a\", \"maxbytes\": 1}}");
        assertError("sinks.f.maxFiles: expected an integer >= 0, got 1.5",
                "{\"f\": {\"type\": \"file\", \"path\": \"a\", \"maxFiles\": 1.5}}");
        assertError("sinks.h.maxBackoffMs: expected an integer >= 500, got 100", "{\"h\": {\"type\": \"webhook\", "
                + "\"url\": \"http://h.example/\", \"initialBackoffMs\": 500, \"maxBackoffMs\": 100}}");
        assertError("sinks.l.rules[1]: expected a rule name, got 3", "{\"l\": {\"type\": \"log\", \"rules\": [\"a\", 3]}}");
        assertError("sinks.l.rules: expected an array of rule names (\"*\": every rule), got \"*\"",
                "{\"l\": {\"type\": \"log\", \"rules\": \"*\"}}");
        assertError("sinks.h.headers.Authorization: expected a header name with a string value",
                "{\"h\": {\"type\": \"webhook\", \"url\": \"http://h.example/\", \"headers\": {\"Authorization\": 1}}}");
        assertError("sinks.l: expected a JSON object, got \"log\"", "{\"l\": \"log\"}");
        assertError("sinks.log: 'log' is a sink type (TO log in a rule means that type); choose another name",
                "{\"log\": {\"type\": \"log\"}}");
    }

    @Test
    void aKafkaSinkTakesItsTopicClusterTransactionalIdAndClientSettingsButNotTheOnesItsGuaranteesRestOn()
            throws Exception {
        SinkDeclaration kafka = SinkDeclarations.parse("k", Map.of("type", "kafka", "topic", "fraud-alerts",
                "bootstrapServers", "k1:9092,k2:9092", "transactionalId", "vigil-eu-1",
                "properties", Map.of("security.protocol", "SSL", "linger.ms", 5), "rules", List.of("*")), BASE);
        assertEquals(new SinkSpec.Kafka("fraud-alerts", "k1:9092,k2:9092", "vigil-eu-1",
                Map.of("security.protocol", "SSL", "linger.ms", "5"), 1_000), kafka.spec());
        SinkSpec.Kafka defaults = (SinkSpec.Kafka) SinkDeclarations.parse("k", Map.of("type", "kafka", "topic", "t"),
                BASE).spec();
        assertEquals(SinkSpec.Kafka.to("t"), defaults);
        assertEquals("c:9092", defaults.withBootstrapServers("c:9092").bootstrapServers());
        assertEquals("Kafka[topic=t, bootstrapServers=null, transactionalId=null, properties=[sasl.jaas.config], "
                + "queueCapacity=1000]", new SinkSpec.Kafka("t", null, null, Map.of("sasl.jaas.config", "s3cret"),
                1_000).toString());

        assertError("sinks.k.topic: expected a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'), got "
                + "\"fraud alerts\"", "{\"k\": {\"type\": \"kafka\", \"topic\": \"fraud alerts\"}}");
        assertError("sinks.k.topic: expected a non-empty string, got nothing", "{\"k\": {\"type\": \"kafka\"}}");
        assertError("sinks.k.properties.acks: always all: the sink's exactly-once rests on it",
                "{\"k\": {\"type\": \"kafka\", \"topic\": \"t\", \"properties\": {\"acks\": \"1\"}}}");
        assertError("sinks.k.properties.ssl.keystore.password: expected a Kafka client setting with a string, number "
                + "or boolean value", "{\"k\": {\"type\": \"kafka\", \"topic\": \"t\", \"properties\": "
                + "{\"ssl.keystore.password\": [1]}}}");
        assertError("sinks.kafka: 'kafka' is a sink type (TO kafka in a rule means that type); choose another name",
                "{\"kafka\": {\"type\": \"log\"}}");
    }

    @Test
    void sinksMustBeAnObject() {
        InvalidSinkException e = assertThrows(InvalidSinkException.class,
                () -> SinkDeclarations.parse(List.of(), BASE));
        assertEquals("sinks: expected a JSON object, got an array", e.getMessage());
    }

    private static void assertError(String expected, String json) {
        InvalidSinkException e = assertThrows(InvalidSinkException.class,
                () -> SinkDeclarations.parse(new JsonObject(json).getMap(), BASE));
        assertEquals(expected, e.getMessage());
    }
}
