package dev.vigil.nfa.rocksdb;

import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.KeyStoreProvider;
import java.nio.file.Path;

/**
 * Provides {@link RocksDbKeyStore} as {@value KeyStoreProvider#ROCKSDB} to {@link java.util.ServiceLoader}: what
 * {@code EngineConfig.withRocksDbState} opens when this module is on the class or module path.
 */
public final class RocksDbKeyStoreProvider implements KeyStoreProvider {
    @Override
    public String name() {
        return ROCKSDB;
    }

    @Override
    public KeyStore open(Path folder) {
        return RocksDbKeyStore.open(folder);
    }

    @Override
    public KeyStore open(Path folder, Path checkpoint) {
        return RocksDbKeyStore.open(folder, checkpoint);
    }
}
