package dev.vigil.nfa.differential;

import dev.vigil.nfa.EngineConfig;
import java.nio.file.Path;

/**
 * {@link SnapshotChainOnGeneratedRulesTest} with key state in RocksDB: chains in RocksDB alone, alternating
 * with the heap, and through RocksDB's own checkpoints (the heap alone runs in nfa-engine).
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

    @Override
    boolean storeCheckpoints() {
        return true;
    }
}
