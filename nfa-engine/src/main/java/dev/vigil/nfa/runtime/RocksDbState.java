package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.program.Nfa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * One engine's RocksDB database of key states: every rule runtime of the engine keeps its keys in it under its own
 * four-byte rule number ({@link RocksDbKeyStore}). The state is working memory, not a durable copy: checkpoints
 * (engine snapshots) and the ingest log make state durable, so the folder is emptied when it is opened and
 * writes skip RocksDB's write-ahead log.
 *
 * <p><b>Not thread-safe:</b> owned by one engine; {@link #close} when the engine is done.
 */
public final class RocksDbState implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final Path folder;
    private final Options options;
    private final WriteOptions writes;
    private final RocksDB db;
    private int nextRule;

    private RocksDbState(Path folder, Options options, WriteOptions writes, RocksDB db) {
        this.folder = folder;
        this.options = options;
        this.writes = writes;
        this.db = db;
    }

    /** Opens a database in {@code folder}, deleting whatever the folder held (state of an earlier run). */
    public static RocksDbState open(Path folder) {
        try {
            empty(folder);
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the RocksDB state folder " + folder + ": " + e, e);
        }
        Options options = new Options().setCreateIfMissing(true);
        WriteOptions writes = new WriteOptions().setDisableWAL(true);
        try {
            return new RocksDbState(folder, options, writes, RocksDB.open(options, folder.toString()));
        } catch (RocksDBException e) {
            writes.close();
            options.close();
            throw failure("open the RocksDB state in " + folder, e);
        }
    }

    public Path folder() {
        return folder;
    }

    /** A store for one rule runtime, under a rule number no other store of this database has. */
    KeyStore newKeyStore(Matcher matcher, Nfa nfa, KeyBudget budget) {
        return new RocksDbKeyStore(db, writes, nextRule++, matcher, nfa, budget);
    }

    @Override
    public void close() {
        db.close();
        writes.close();
        options.close();
    }

    /** RocksDB failed under the engine: the engine cannot go on (an I/O failure, typically a full disk). */
    static UncheckedIOException failure(String doing, RocksDBException e) {
        return new UncheckedIOException(new IOException("cannot " + doing + ": " + e.getMessage(), e));
    }

    private static void empty(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                if (!path.equals(folder)) {
                    Files.delete(path);
                }
            }
        }
    }
}
