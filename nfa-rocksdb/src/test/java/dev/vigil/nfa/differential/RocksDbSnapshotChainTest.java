package dev.vigil.nfa.differential;

import dev.vigil.nfa.EngineConfig;
import java.nio.file.Path;

/**
 * {@link SnapshotChainOnGeneratedRulesTest} with key state in RocksDB: chains in RocksDB alone and alternating
 * with the heap (the heap alone runs in nfa-engine).
 */
class RocksDbSnapshotChainTest extends SnapshotChainOnGeneratedRulesTest {
    @Override
    EngineConfig stored(EngineConfig config, Path folder) {
        return config.withRocksDbState(folder);
    }

    @Override
    boolean heapCases() {
        return false;
    }
}
