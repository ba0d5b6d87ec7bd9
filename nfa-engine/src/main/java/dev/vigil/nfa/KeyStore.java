package dev.vigil.nfa;

import java.nio.file.Path;

/**
 * Where an engine keeps its rules' per-key state when not on its own heap: the service a host implements to keep
 * key state in its own state backend (module {@code nfa-rocksdb} implements it over RocksDB; a Flink host would
 * over its keyed state). Chosen with {@link EngineConfig#withKeyStore} (or {@link EngineConfig#withRocksDbState},
 * which finds the RocksDB implementation through {@link KeyStoreProvider}); the default keeps key state as objects
 * on the heap and uses no store.
 *
 * <p><b>What the engine does with it.</b> The engine serializes each key's state (its partial matches, the count
 * of its events waiting for the watermark, its next deadline) and stores it under the rule's number followed by
 * the key's bytes. It reads a key's state when an event or timer of the key comes and the state is not among the
 * states it keeps decoded in memory ({@link EngineConfig#cachedKeys}, the keys touched last), and writes a state
 * back when it leaves that cache changed, or before it reads the store as a whole: a key whose state comes and goes
 * while cached is never written. It also keeps an index of the keys holding partial matches, oldest first, which
 * {@link #first} reads to evict the oldest, and writes snapshots ({@link Engine#startSnapshot}) from
 * {@link #scan}s, or names a {@link #checkpoint} of the store in them instead. Waiting events,
 * timers, stream clocks and counters stay on the engine's heap; snapshots are the same bytes whatever the store.
 *
 * <p><b>What an implementation must do.</b> Be an ordered map of byte strings, ordered by unsigned lexicographic
 * comparison of keys (RocksDB's default), in which every change is visible to the next call at once. It is
 * working memory, not a durable copy: the engine's snapshots and the host's input log make state durable, so
 * nothing need survive {@link #close} (RocksDB's write-ahead log is off), and a store starts empty. The engine
 * never keeps the arrays it passes or receives, and never changes a returned array. A failure of the backend
 * (typically a full disk) is thrown as an {@link java.io.UncheckedIOException}: the engine cannot go on, and
 * reports it with what it was doing.
 *
 * <p><b>Not thread-safe:</b> one store per engine, called by the thread that drives the engine; the engine
 * {@link #close}s it when {@link Engine#close closed}.
 */
public interface KeyStore extends AutoCloseable {

    /** The value stored under {@code key}, or null when there is none. */
    byte[] get(byte[] key);

    /** Stores {@code value} under {@code key}, replacing any value it had. */
    void put(byte[] key, byte[] value);

    /** Removes {@code key}'s value, if any. */
    void delete(byte[] key);

    /** Removes every key from {@code from} (inclusive) to {@code to} (exclusive): a removed rule's state. */
    void deleteRange(byte[] from, byte[] to);

    /** The first entry whose key is at or after {@code from} and before {@code to}, or null when there is none. */
    Entry first(byte[] from, byte[] to);

    /**
     * The entries whose keys are at or after {@code from} and before {@code to}, in key order, as they are when
     * this is called: changes made while the scan is open do not reach it (a RocksDB snapshot, or copy on write).
     * The engine reads a scan in slices between engine calls, so it may stay open for a while, and closes it when
     * done or abandoned; at most one scan is open per rule.
     */
    Scan scan(byte[] from, byte[] to);

    /**
     * Writes what the store holds now into {@code folder}, which must not exist yet, such that
     * {@link KeyStoreProvider#open(Path, Path)} opens a store holding exactly that: a checkpoint of the store in its
     * own format, which an engine snapshot can name instead of serializing every key
     * ({@link Engine#startSnapshot(java.io.DataOutput, Path)}; the engine writes its changed cached states back
     * first). The folder's parent is created if missing. RocksDB's is {@code org.rocksdb.Checkpoint}: a flush of the memtables, then hard links to the immutable
     * table files, so it costs about the memtables' size whatever the number of keys. Changes made afterwards do not
     * reach it. The default takes none.
     *
     * @throws UnsupportedOperationException the store takes no checkpoints (the default)
     * @throws java.io.UncheckedIOException the checkpoint could not be written (the folder is then removed)
     */
    default void checkpoint(Path folder) {
        throw new UnsupportedOperationException(getClass().getName() + " takes no checkpoints");
    }

    /** Releases the store; what it held is garbage then. */
    @Override
    void close();

    /** A key and its value. */
    record Entry(byte[] key, byte[] value) {}

    /** The entries of a {@link #scan}, one after the other. */
    interface Scan extends AutoCloseable {
        /** The next entry, or null after the last. */
        Entry next();

        @Override
        void close();
    }
}
