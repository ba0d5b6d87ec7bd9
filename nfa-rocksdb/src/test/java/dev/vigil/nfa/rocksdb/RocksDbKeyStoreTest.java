package dev.vigil.nfa.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.KeyStoreContractTest;
import dev.vigil.nfa.KeyStoreProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link KeyStore} contract on RocksDB, and how the engine finds it. */
class RocksDbKeyStoreTest extends KeyStoreContractTest {
    @Override
    protected KeyStore open(Path folder) {
        return RocksDbKeyStore.open(folder);
    }

    @Test
    void theProviderIsFoundAsRocksdbAndEmptiesItsFolder(@TempDir Path folder) throws Exception {
        KeyStoreProvider found = null;
        for (KeyStoreProvider provider : ServiceLoader.load(KeyStoreProvider.class)) {
            if (provider.name().equals(KeyStoreProvider.ROCKSDB)) {
                found = provider;
            }
        }
        assertTrue(found instanceof RocksDbKeyStoreProvider, "found " + found);
        Path state = folder.resolve("state");
        Files.createDirectories(state);
        Files.writeString(state.resolve("left-over"), "state of an earlier run");
        try (KeyStore store = found.open(state)) {
            assertNull(store.get(new byte[] {1}));
            store.put(new byte[] {1}, new byte[] {2});
            assertEquals(2, store.get(new byte[] {1})[0]);
        }
        assertTrue(Files.notExists(state.resolve("left-over")));
    }
}
