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
import java.util.stream.Stream;
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

    @Test
    void aCheckpointHoldsTheStoreAsItWasAndStaysIntactWhenOpened(@TempDir Path folder) throws Exception {
        Path checkpoint = folder.resolve("checkpoint");
        try (KeyStore store = RocksDbKeyStore.open(folder.resolve("state"))) {
            for (int i = 0; i < 1000; i++) {
                store.put(key(i), key(i * 7));
            }
            store.delete(key(3));
            store.checkpoint(checkpoint);
            store.put(key(1), key(42));   // after the checkpoint: not in it
            store.delete(key(2));
            store.put(key(5000), key(1));
        }
        for (String opened : new String[] {"first", "second"}) {
            try (KeyStore restored = new RocksDbKeyStoreProvider().open(folder.resolve(opened), checkpoint)) {
                assertEquals(1 * 7, restored.get(key(1))[3], opened);
                assertEquals(2 * 7, restored.get(key(2))[3], opened);
                assertNull(restored.get(key(3)), opened);
                assertNull(restored.get(key(5000)), opened);
                int entries = 0;
                try (KeyStore.Scan scan = restored.scan(new byte[] {0}, new byte[] {(byte) 0xFF})) {
                    for (KeyStore.Entry entry = scan.next(); entry != null; entry = scan.next()) {
                        entries++;
                    }
                }
                assertEquals(999, entries, opened);
                restored.put(key(1), key(9));   // a change to the opened store does not reach the checkpoint
                restored.delete(key(4));
            }
        }
        try (Stream<Path> files = Files.list(checkpoint)) {
            assertTrue(files.anyMatch(file -> file.toString().endsWith(".sst")), "the checkpoint has table files");
        }
    }

    private static byte[] key(int i) {
        return new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
    }
}
