package dev.vigil.nfa.differential;

import dev.vigil.nfa.EngineConfig;
import java.nio.file.Path;

/** {@link ReplacementOnGeneratedRulesTest} with key state in RocksDB (the heap alone runs in nfa-engine). */
class RocksDbReplacementTest extends ReplacementOnGeneratedRulesTest {
    @Override
    EngineConfig stored(EngineConfig config, Path folder) {
        return config.withRocksDbState(folder);
    }

    @Override
    boolean heapCases() {
        return false;
    }
}
