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

    /**
     * A store keeping its data in {@code folder} (emptied first, as {@link #open(Path)} does) that holds what the
     * store held when it wrote {@code checkpoint} ({@link KeyStore#checkpoint}); the checkpoint stays intact, so it
     * can be opened again (RocksDB: the folder gets hard links to the checkpoint's table files, which RocksDB never
     * changes, and copies of the rest). The default opens none.
     *
     * @throws UnsupportedOperationException this kind of store takes no checkpoints (the default)
     * @throws java.io.UncheckedIOException the checkpoint cannot be read or the store opened
     */
    default KeyStore open(Path folder, Path checkpoint) {
        throw new UnsupportedOperationException(name() + " stores open no checkpoints");
    }
}
