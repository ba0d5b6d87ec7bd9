package dev.vigil.nfa;

import java.nio.file.Path;

/**
 * A kind of {@link KeyStore} that keeps its data in a folder, found through {@link java.util.ServiceLoader}: how
 * {@link EngineConfig#withRocksDbState} reaches the RocksDB store of module {@code nfa-rocksdb} (which provides
 * {@value #ROCKSDB}) while the engine itself has no native dependency. A host that brings its own store passes it
 * with {@link EngineConfig#withKeyStore} instead and needs no provider.
 */
public interface KeyStoreProvider {
    /** The name of the RocksDB store, which {@link EngineConfig#withRocksDbState} asks for. */
    String ROCKSDB = "rocksdb";

    /** The kind of store provided: {@value #ROCKSDB} for module {@code nfa-rocksdb}. */
    String name();

    /**
     * A new, empty store keeping its data in {@code folder}, which it owns: whatever the folder held (state of an
     * earlier run) is deleted.
     *
     * @throws java.io.UncheckedIOException the folder cannot be prepared or the store opened
     */
    KeyStore open(Path folder);
}
