package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.server.config.ConfigResolver;
import dev.vigil.server.config.Durability;
import dev.vigil.server.config.InvalidConfigException;
import dev.vigil.server.log.AckAfter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durability settings: where the logs live, when batches are acknowledged, the free-space reserve. */
class DurabilityConfigTest {
    @TempDir
    Path folder;

    @Test
    void byDefaultTheLogsAreKeptAcknowledgedAfterTheWriteWithA512MbReserve() throws Exception {
        assertEquals(new Durability(true, AckAfter.WRITE, 512),
                ConfigResolver.resolve(Map.of(), Map.of(), null).durability());
    }

    @Test
    void flagsVariablesAndTheFileSetEachOne() throws Exception {
        Path file = folder.resolve("vigil.yaml");
        Files.writeString(file, "durability: none\nackAfter: flush\nminFreeDiskMb: 0\n");
        assertEquals(new Durability(false, AckAfter.FLUSH, 0), ConfigResolver.resolve(Map.of(), Map.of(), file)
                .durability());
        assertEquals(new Durability(true, AckAfter.FLUSH, 2048), ConfigResolver.resolve(
                Map.of("durability", "log", "minFreeDiskMb", "2048"), Map.of("VIGIL_ACK_AFTER", "flush"), null)
                .durability());
    }

    @Test
    void anUnknownWordIsRefusedNamingTheChoices() {
        InvalidConfigException wrong = assertThrows(InvalidConfigException.class,
                () -> ConfigResolver.resolve(Map.of("ackAfter", "fsync"), Map.of(), null));
        assertEquals("--ack-after: ackAfter must be write or flush, got \"fsync\"", wrong.getMessage());
        wrong = assertThrows(InvalidConfigException.class,
                () -> ConfigResolver.resolve(Map.of(), Map.of("VIGIL_DURABILITY", "memory"), null));
        assertEquals("environment variable VIGIL_DURABILITY: durability must be log or none, got \"memory\"",
                wrong.getMessage());
    }
}
