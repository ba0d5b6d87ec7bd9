package dev.vigil.nfa;

import java.nio.file.Path;

/** {@link KeyBoundTest} with key state in RocksDB, found through {@link EngineConfig#withRocksDbState}. */
class RocksDbKeyBoundTest extends KeyBoundTest {
    @Override
    EngineConfig stored(EngineConfig config, Path folder) {
        return config.withRocksDbState(folder);
    }
}
