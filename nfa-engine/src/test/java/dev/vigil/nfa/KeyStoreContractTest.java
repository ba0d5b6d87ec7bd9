package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine needs of a {@link KeyStore} (see its class doc), for every implementation: {@link MemoryKeyStore}
 * here, RocksDB in module {@code nfa-rocksdb} (a subclass that opens its own).
 */
public class KeyStoreContractTest {
    @TempDir
    Path folder;
    KeyStore store;

    /** The store under test, new and empty, in {@code folder} if it needs one. */
    protected KeyStore open(Path folder) {
        return new MemoryKeyStore();
    }

    @BeforeEach
    void openStore() {
        store = open(folder.resolve("store"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aMapOfByteStrings() {
        assertNull(store.get(bytes(1)));
        store.put(bytes(1), bytes(10));
        store.put(bytes(1), bytes(11));
        assertArrayEquals(bytes(11), store.get(bytes(1)));
        store.delete(bytes(1));
        assertNull(store.get(bytes(1)));
        store.delete(bytes(1));
    }

    @Test
    void keysAreOrderedAsUnsignedBytesAndRangesExcludeTheirEnd() {
        for (int key : new int[] {0x80, 0x01, 0xFF, 0x02, 0x7F}) {
            store.put(bytes(key), bytes(key));
        }
        assertEquals(List.of(0x01, 0x02, 0x7F, 0x80, 0xFF), keys(store.scan(bytes(0x00), bytes(0xFF, 0x00))));
        assertEquals(List.of(0x02, 0x7F), keys(store.scan(bytes(0x02), bytes(0x80))));
        assertArrayEquals(bytes(0x80), store.first(bytes(0x7F, 0x00), bytes(0xFF)).key());
        assertNull(store.first(bytes(0x81), bytes(0xFF)), "the end is excluded");
        store.deleteRange(bytes(0x02), bytes(0xFF));
        assertEquals(List.of(0x01, 0xFF), keys(store.scan(bytes(0x00), bytes(0xFF, 0x00))));
    }

    @Test
    void aScanSeesTheEntriesAsTheyWereWhenItOpened() {
        store.put(bytes(1), bytes(10));
        store.put(bytes(2), bytes(20));
        KeyStore.Scan scan = store.scan(bytes(0), bytes(9));
        store.put(bytes(1), bytes(11));
        store.delete(bytes(2));
        store.put(bytes(3), bytes(30));
        KeyStore.Entry first = scan.next();
        assertArrayEquals(bytes(1), first.key());
        assertArrayEquals(bytes(10), first.value());
        assertArrayEquals(bytes(20), scan.next().value());
        assertNull(scan.next());
        scan.close();
        assertEquals(List.of(1, 3), keys(store.scan(bytes(0), bytes(9))));
    }

    private static List<Integer> keys(KeyStore.Scan scan) {
        List<Integer> keys = new ArrayList<>();
        for (KeyStore.Entry entry = scan.next(); entry != null; entry = scan.next()) {
            keys.add(entry.key()[0] & 0xFF);
        }
        scan.close();
        return keys;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
