package dev.vigil.nfa.runtime;

import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.rocksdb.RocksDbKeyStore;
import java.nio.file.Path;

/** {@link StaleTimersTest} with key state in RocksDB. */
class RocksDbStaleTimersTest extends StaleTimersTest {
    @Override
    KeyStore stored(Path folder) {
        return RocksDbKeyStore.open(folder);
    }
}
