import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * What a read of RocksDB costs the reading thread once the store is larger than its block cache, with the table
 * options of {@code RocksDbKeyStore} ("whole": index and filter blocks whole in a 64 MiB LRU cache, where a random
 * read's data block might push a table's large index or filter block out) and with partitioned ones (index and filters
 * in 4 KiB partitions, only their top level pinned, index and filter blocks in the cache's high-priority half; tried,
 * not faster, not adopted), interleaved: for each round and each option set, a fresh database of {@code keys} keys
 * (13 bytes: a rule number and a key, as the engine writes them) with {@code valueBytes}-byte values written without
 * the write-ahead log, in a scattered order and twice; then {@code reads} reads of random stored keys, as many of keys
 * never stored between them, and as many of keys after every stored one (a new key's first event); CPU time per read
 * of the reading thread and of the process (RocksDB's own threads).
 *
 * <p>Run (after {@code mvn -o -q -B -DskipTests package -pl cli -am}):
 * {@code java -cp cli/target/vigil.jar benchmarks/RocksDbReadProbe.java [keys] [reads] [rounds] [valueBytes]}.
 */
public class RocksDbReadProbe {
    public static void main(String[] args) throws Exception {
        int keys = args.length < 1 ? 3_000_000 : Integer.parseInt(args[0]);
        int reads = args.length < 2 ? 200_000 : Integer.parseInt(args[1]);
        int rounds = args.length < 3 ? 2 : Integer.parseInt(args[2]);
        int valueBytes = args.length < 4 ? 180 : Integer.parseInt(args[3]);
        RocksDB.loadLibrary();
        System.out.printf("%d keys of %d-byte values, %d reads; load average %s%n", keys, valueBytes, reads,
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("%5s %-12s %14s %14s %14s %14s %14s %14s%n", "round", "options", "stored_ns",
                "stored_proc_ns", "absent_ns", "absent_proc_ns", "after_ns", "after_proc_ns");
        for (int round = 1; round <= rounds; round++) {
            for (boolean partitioned : new boolean[] {false, true}) {
                Path folder = Files.createTempDirectory("rocksdb-read-probe");
                try {
                    run(folder, partitioned, round, keys, reads, valueBytes);
                } finally {
                    try (Stream<Path> paths = Files.walk(folder)) {
                        for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                            Files.delete(path);
                        }
                    }
                }
            }
        }
    }

    private static void run(Path folder, boolean partitioned, int round, int keys, int reads, int valueBytes)
            throws Exception {
        try (LRUCache cache = partitioned ? new LRUCache(64L << 20, -1, false, 0.5) : new LRUCache(64L << 20);
                BloomFilter filter = new BloomFilter(10)) {
            BlockBasedTableConfig tables = new BlockBasedTableConfig()
                    .setBlockCache(cache)
                    .setFilterPolicy(filter)
                    .setWholeKeyFiltering(true)
                    .setCacheIndexAndFilterBlocks(true)
                    .setPinL0FilterAndIndexBlocksInCache(true);
            if (partitioned) {
                tables.setIndexType(IndexType.kTwoLevelIndexSearch)
                        .setPartitionFilters(true)
                        .setMetadataBlockSize(4096)
                        .setPinTopLevelIndexAndFilter(true)
                        .setCacheIndexAndFilterBlocksWithHighPriority(true);
            }
            try (Options options = new Options().setCreateIfMissing(true).setTableFormatConfig(tables);
                    WriteOptions writes = new WriteOptions().setDisableWAL(true);
                    RocksDB db = RocksDB.open(options, folder.toString())) {
                SplittableRandom random = new SplittableRandom(round);
                byte[] value = new byte[valueBytes];
                for (int pass = 0; pass < 2; pass++) {   // in random order, each key twice: as evictions write
                    for (int i = 0; i < keys; i++) {
                        random.nextBytes(value);
                        db.put(writes, key(2 * (int) ((i * 1_000_003L + pass * 7919L) % keys)), value);
                    }
                }
                long found = 0;
                long[] cpu = cpu();
                for (int i = 0; i < reads; i++) {
                    found += db.get(key(2 * random.nextInt(keys))) == null ? 0 : 1;
                }
                long[] stored = since(cpu);
                cpu = cpu();
                for (int i = 0; i < reads; i++) {
                    found += db.get(key(2 * random.nextInt(keys) + 1)) == null ? 0 : 1;
                }
                long[] absent = since(cpu);
                cpu = cpu();
                for (int i = 0; i < reads; i++) {   // after every stored key, as a new key's first event asks
                    found += db.get(key(2 * keys + i)) == null ? 0 : 1;
                }
                long[] beyond = since(cpu);
                if (found != reads) {
                    throw new IllegalStateException(found + " of " + reads + " stored keys found");
                }
                System.out.printf("%5d %-12s %14d %14d %14d %14d %14d %14d%n", round,
                        partitioned ? "partitioned" : "whole", stored[0] / reads, stored[1] / reads, absent[0] / reads,
                        absent[1] / reads, beyond[0] / reads, beyond[1] / reads);
            }
        }
    }

    /** A 13-byte key: a four-byte rule number (0), then the key as nine digits, as {@code k%08d} would be. */
    private static byte[] key(int i) {
        byte[] key = new byte[13];
        String digits = String.format("%09d", i);
        for (int d = 0; d < 9; d++) {
            key[4 + d] = (byte) digits.charAt(d);
        }
        return key;
    }

    private static long[] cpu() {
        return new long[] {ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(),
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()};
    }

    private static long[] since(long[] start) {
        long[] now = cpu();
        return new long[] {now[0] - start[0], now[1] - start[1]};
    }
}
