package dev.vigil.nfa.rocksdb;

import dev.vigil.nfa.KeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Checkpoint;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteOptions;

/**
 * One engine's {@link KeyStore} in a RocksDB database, for more key state than fits in memory: every rule of the
 * engine keeps its keys in it under its own number. The state is working memory, not a durable copy: checkpoints
 * (engine snapshots) and the ingest log make state durable, so the folder is emptied when it is opened and writes
 * skip RocksDB's write-ahead log. Scans read a RocksDB snapshot, as Flink's RocksDB state backend does.
 *
 * <p><b>Tuning.</b> Blocks are cached in one LRU cache shared by every store of the JVM ({@link #BLOCK_CACHE_BYTES}),
 * with the tables' index and filter blocks in it, so the memory RocksDB takes for reads stays bounded whatever the
 * number of keys (RocksDB's default is a cache per database, and index and filter blocks outside it). Tables carry
 * whole-key bloom filters, so a read of a key the store does not have reads no data block. Index and filters are
 * partitioned into blocks of 4 KiB (only their top level pinned in the cache): whole, the filter block of a
 * bottom-level table (a megabyte and more past a million keys) did not stay in the cache (64 MiB is split into 64
 * shards of 1 MiB), so nearly every read of an absent key read one again (RocksDB's filter-block misses: 164,407 for
 * 395,948 reads at 2M keys, against 2,935 partitioned) and a key's first event cost the engine 40-58 µs instead of 9
 * (docs/performance.md, round 3). The engine asks the store little (it caches decoded states in front of
 * it and knows which keys it stored): at W1 with a million keys the cache and filters did not change the engine's
 * time; memtable blooms, memtable sizes and LZ4 were tried with them and not kept, for the same reason.
 *
 * <p><b>Not thread-safe:</b> owned by one engine, which {@link #close}s it.
 */
public final class RocksDbKeyStore implements KeyStore {
    static {
        RocksDB.loadLibrary();
    }

    /** The block cache every store of this JVM shares. */
    static final long BLOCK_CACHE_BYTES = 64L << 20;
    private static final Cache BLOCK_CACHE = new LRUCache(BLOCK_CACHE_BYTES);

    private final Path folder;
    private final Options options;
    private final BloomFilter filter;
    private final WriteOptions writes;
    private final RocksDB db;

    private RocksDbKeyStore(Path folder, Options options, BloomFilter filter, WriteOptions writes, RocksDB db) {
        this.folder = folder;
        this.options = options;
        this.filter = filter;
        this.writes = writes;
        this.db = db;
    }

    /** Opens a database in {@code folder}, deleting whatever the folder held (state of an earlier run). */
    public static RocksDbKeyStore open(Path folder) {
        try {
            empty(folder);
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the RocksDB state folder " + folder + ": " + e, e);
        }
        return openPrepared(folder);
    }

    /**
     * Opens a database in {@code folder} (emptied first) holding what {@link #checkpoint} wrote into
     * {@code checkpoint}, which stays intact: the folder gets hard links to the checkpoint's table files ({@code
     * *.sst}: RocksDB never changes one, and deletes only its own link to it) and copies of the rest (the manifest,
     * which RocksDB appends to, the options, the current-file pointer); copies of the tables too where links cannot
     * be made (another file system).
     */
    public static RocksDbKeyStore open(Path folder, Path checkpoint) {
        try {
            empty(folder);
            Files.createDirectories(folder);
            try (Stream<Path> files = Files.list(checkpoint)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path to = folder.resolve(file.getFileName());
                    if (file.getFileName().toString().endsWith(".sst")) {
                        try {
                            Files.createLink(to, file);
                            continue;
                        } catch (IOException | UnsupportedOperationException noLink) {
                            // another file system, or none that links: copied below
                        }
                    }
                    Files.copy(file, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the RocksDB state folder " + folder + " from the checkpoint "
                    + checkpoint + ": " + e, e);
        }
        return openPrepared(folder);
    }

    private static RocksDbKeyStore openPrepared(Path folder) {
        BloomFilter filter = new BloomFilter(10);
        BlockBasedTableConfig tables = new BlockBasedTableConfig()
                .setBlockCache(BLOCK_CACHE)
                .setFilterPolicy(filter)
                .setWholeKeyFiltering(true)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(4096)
                .setPinTopLevelIndexAndFilter(true);
        Options options = new Options().setCreateIfMissing(true).setTableFormatConfig(tables);
        WriteOptions writes = new WriteOptions().setDisableWAL(true);
        try {
            return new RocksDbKeyStore(folder, options, filter, writes, RocksDB.open(options, folder.toString()));
        } catch (RocksDBException e) {
            writes.close();
            options.close();
            filter.close();
            throw failure("cannot open the RocksDB state in " + folder + ": ", e);
        }
    }

    public Path folder() {
        return folder;
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw failure("", e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            db.put(writes, key, value);
        } catch (RocksDBException e) {
            throw failure("", e);
        }
    }

    @Override
    public void delete(byte[] key) {
        try {
            db.delete(writes, key);
        } catch (RocksDBException e) {
            throw failure("", e);
        }
    }

    @Override
    public void deleteRange(byte[] from, byte[] to) {
        try {
            db.deleteRange(writes, from, to);
        } catch (RocksDBException e) {
            throw failure("", e);
        }
    }

    @Override
    public Entry first(byte[] from, byte[] to) {
        try (Slice upper = new Slice(to);
                ReadOptions reads = new ReadOptions().setIterateUpperBound(upper);
                RocksIterator iterator = db.newIterator(reads)) {
            iterator.seek(from);
            if (!iterator.isValid()) {
                iterator.status();
                return null;
            }
            return new Entry(iterator.key(), iterator.value());
        } catch (RocksDBException e) {
            throw failure("", e);
        }
    }

    /**
     * A RocksDB checkpoint ({@link Checkpoint}) in {@code folder}: the memtables flushed (writes skip the write-ahead
     * log, so a flush is what makes them part of it), then hard links to the table files, and copies of the manifest
     * and options; {@link #open(Path, Path)} opens a store from it. A failure removes what was written.
     */
    @Override
    public void checkpoint(Path folder) {
        try {
            Path parent = folder.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);   // RocksDB makes the folder only
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a RocksDB checkpoint into " + folder + ": " + e, e);
        }
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(folder.toString());
        } catch (RocksDBException e) {
            try {
                empty(folder);
                Files.deleteIfExists(folder);
            } catch (IOException ignored) {
                // the failure below is the one to report
            }
            throw failure("cannot write a RocksDB checkpoint into " + folder + ": ", e);
        }
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        return new SnapshotScan(from, to);
    }

    /** The entries of a range in the RocksDB snapshot taken when the scan opened. */
    private final class SnapshotScan implements Scan {
        private final Snapshot snapshot = db.getSnapshot();
        private final Slice upper;
        private final ReadOptions reads;
        private final RocksIterator iterator;
        private boolean closed;

        SnapshotScan(byte[] from, byte[] to) {
            upper = new Slice(to);
            reads = new ReadOptions().setSnapshot(snapshot).setIterateUpperBound(upper);
            iterator = db.newIterator(reads);
            iterator.seek(from);
        }

        @Override
        public Entry next() {
            if (closed) {
                return null;
            }
            if (!iterator.isValid()) {
                try {
                    iterator.status();
                } catch (RocksDBException e) {
                    throw failure("", e);
                }
                return null;
            }
            Entry entry = new Entry(iterator.key(), iterator.value());
            iterator.next();
            return entry;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                iterator.close();
                reads.close();
                upper.close();
                db.releaseSnapshot(snapshot);
            }
        }
    }

    @Override
    public void close() {
        db.close();
        writes.close();
        options.close();
        filter.close();
    }

    /**
     * RocksDB failed under the engine: the engine cannot go on (an I/O failure, typically a full disk); the engine
     * adds what it was doing.
     */
    private static UncheckedIOException failure(String context, RocksDBException e) {
        return new UncheckedIOException(new IOException(context + e.getMessage(), e));
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
