package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.connectors.SinkDeclaration;
import dev.vigil.connectors.SinkSpec;
import dev.vigil.server.config.ConfigResolver;
import dev.vigil.server.config.InvalidConfigException;
import dev.vigil.server.config.ServerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code "sinks"} key of the configuration file, read by {@link ConfigResolver}. */
class SinkConfigTest {
    @TempDir
    Path dir;

    @Test
    void sinksAreReadFromTheFileWithPathsRelativeToItsFolder() throws Exception {
        Path file = Files.writeString(dir.resolve("vigil.json"), """
                {"port": 9000,
                 "sinks": {"fraud_hook": {"type": "webhook", "url": "http://127.0.0.1:9999/fraud",
                                          "rules": ["card_testing"]},
                           "archive": {"type": "file", "path": "alerts/all.ndjson", "rules": ["*"]}}}
                """);
        ServerConfig config = ConfigResolver.resolve(Map.of(), Map.of(), file);
        assertEquals(List.of(
                new SinkDeclaration("fraud_hook", SinkSpec.Webhook.to(URI.create("http://127.0.0.1:9999/fraud")),
                        List.of("card_testing")),
                new SinkDeclaration("archive", SinkSpec.File.at(dir.toAbsolutePath().resolve("alerts/all.ndjson")),
                        List.of("*"))), config.sinks());
        assertEquals(9000, config.port());
    }

    @Test
    void aMistakeInASinkNamesTheFileTheSinkAndTheField() throws Exception {
        Path file = Files.writeString(dir.resolve("vigil.json"), """
                {"sinks": {"fraud_hook": {"type": "webhook", "url": "http://h.example/", "timeoutMs": 0}}}
                """);
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ConfigResolver.resolve(Map.of(), Map.of(), file));
        assertEquals(file + ": sinks.fraud_hook.timeoutMs: expected a positive integer, got 0", e.getMessage());
    }

    @Test
    void withoutTheKeyThereAreNoSinks() throws Exception {
        assertEquals(List.of(), ConfigResolver.resolve(Map.of(), Map.of(), null).sinks());
    }
}
