package dev.vigil.nfa.differential;

import dev.vigil.nfa.EngineConfig;
import java.nio.file.Path;

/** {@link StoredStateEqualityTest} on RocksDB: a heap engine and a RocksDB engine report the same. */
class RocksDbStateEqualityTest extends StoredStateEqualityTest {
    @Override
    EngineConfig stored(EngineConfig config, Path folder) {
        return config.withRocksDbState(folder);
    }
}
