package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an engine gets its key store: the host's, or RocksDB's from module nfa-rocksdb, which is not here. */
class KeyStoresTest {
    @Test
    void rocksDbStateWithoutItsModuleIsRefusedSayingWhatIsMissing(@TempDir Path folder) {
        EngineConfig config = EngineConfig.defaults().withRocksDbState(folder.resolve("state"));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new Engine(List.of(), config, new EngineTest.Recorder()));
        assertEquals("key state in rocksdb needs module nfa-rocksdb (dev.vigil:nfa-rocksdb) on the class or module"
                + " path; key stores found: none", refused.getMessage());
    }

    @Test
    void theEngineOpensTheHostsStoreAndClosesIt() {
        MemoryKeyStore[] opened = new MemoryKeyStore[1];
        EngineConfig config = EngineConfig.defaults().withKeyStore(() -> opened[0] = new MemoryKeyStore());
        Engine engine = new Engine(List.of(), config, new EngineTest.Recorder());
        assertTrue(opened[0] != null, "opened with the engine");
        engine.close();
        assertThrows(IllegalStateException.class, () -> opened[0].get(new byte[] {1}), "closed with the engine");
        assertThrows(IllegalArgumentException.class,
                () -> new EngineConfig(EngineConfig.TimeMode.EVENT, 0, false, 1, 1, KeySlice.ALL, Path.of("x"),
                        EngineConfig.KeyBounds.unbounded(), MemoryKeyStore::new, 0));
    }
}
