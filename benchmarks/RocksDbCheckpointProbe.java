import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.rocksdb.RocksDbKeyStore;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a checkpoint of one engine keeping {@code keys} keys in RocksDB costs, the engine snapshot (every key read
 * from the store and serialized: what a server checkpoint writes today) against RocksDB's own checkpoint of the same
 * store ({@link KeyStore#checkpoint}: a flush, then hard links), interleaved: one engine, {@code a -> b WITHIN 1 DAY}
 * per key, one {@code a} per key; then {@code rounds} times: {@code touch} more {@code a}s at keys already held (their
 * states change), the engine snapshot into a file (its time, the CPU of the engine's thread and of the process, in
 * ms, and the bytes), the same number
 * of touches, RocksDB's checkpoint into a fresh folder (its time, the folder's bytes and the bytes of the files only
 * it holds: those not linked to the store's), and the store opened again from that checkpoint (its time). The
 * engine's cache of decoded states is written back by the snapshot, not by RocksDB's checkpoint: a server checkpoint
 * of this kind would write it back first (at most {@code EngineConfig.cachedKeys} states), so that cost is measured
 * apart: starting a census (and closing it at once) writes the cache back, and is timed too.
 *
 * <p>Run (after {@code mvn -o -q -B -DskipTests package -pl cli -am}):
 * {@code java -Xmx2g -cp cli/target/vigil.jar benchmarks/RocksDbCheckpointProbe.java [keys] [rounds] [touch]}.
 */
public class RocksDbCheckpointProbe {
    private static final String RULE = """
            STREAM events (key STRING, type STRING, amount DOUBLE, ts TIMESTAMP);
            RULE pair FROM events PARTITION BY key
              PATTERN a -> b WITHIN 1 DAY
              DEFINE a AS type = 'A', b AS type = 'B'
              EMIT first = a.amount;
            """;

    public static void main(String[] args) throws Exception {
        int keys = args.length < 1 ? 1_000_000 : Integer.parseInt(args[0]);
        int rounds = args.length < 2 ? 3 : Integer.parseInt(args[1]);
        int touch = args.length < 3 ? 100_000 : Integer.parseInt(args[2]);
        Path work = Files.createTempDirectory("rocksdb-checkpoint-probe");
        try {
            run(work, keys, rounds, touch);
        } finally {
            delete(work);
        }
    }

    private static void run(Path work, int keys, int rounds, int touch) throws IOException {
        CompileResult compiled = RuleCompiler.compile("probe.cep", RULE);
        if (!compiled.ok()) {
            throw new IllegalStateException(compiled.diagnostics().toString());
        }
        RocksDbKeyStore[] store = new RocksDbKeyStore[1];
        // No bound on the keys holding partial matches: the default one, derived from the heap, would evict.
        EngineConfig config = EngineConfig.defaults().withKeyBounds(EngineConfig.KeyBounds.unbounded())
                .withKeyStore(() -> {
                    store[0] = RocksDbKeyStore.open(work.resolve("state"));
                    return store[0];
                });
        long ts = 1_700_000_000_000L;
        long serial = 0;
        try (Engine engine = new Engine(compiled.rules(), config, SILENT)) {
            for (int i = 0; i < keys; i++) {
                engine.offer(event(i, ts + i / 100, serial++));
            }
            engine.advanceWatermark(ts + keys / 100 + 1);
            long held = engine.counters().rules().get(0).partialMatches();
            System.out.printf("%d keys held, %d partial matches; load average %s%n", keys, held,
                    Files.readString(Path.of("/proc/loadavg")).trim());
            System.out.printf("%5s %-22s %10s %10s %10s %14s %14s%n", "round", "what", "ms", "thread_cpu",
                    "process_cpu", "bytes", "new_bytes");
            long time = ts + keys / 100 + 2;
            for (int round = 1; round <= rounds; round++) {
                time = touch(engine, keys, touch, round, time, serial);
                serial += touch;
                Path file = work.resolve("snapshot-" + round);
                long started = System.nanoTime();
                long[] cpu = cpu();
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    engine.snapshot(new DataOutputStream(out));
                }
                row(round, "engine snapshot", started, cpu, Files.size(file), Files.size(file));
                Files.delete(file);

                time = touch(engine, keys, touch, round + rounds, time, serial);
                serial += touch;
                started = System.nanoTime();
                cpu = cpu();
                engine.census("pair").close();   // writes the cache back, opens a scan and closes it
                row(round, "cache write-back", started, cpu, 0, 0);
                Path checkpoint = work.resolve("checkpoint-" + round);
                started = System.nanoTime();
                cpu = cpu();
                store[0].checkpoint(checkpoint);
                row(round, "rocksdb checkpoint", started, cpu, bytes(checkpoint, false), bytes(checkpoint, true));
                started = System.nanoTime();
                cpu = cpu();
                try (KeyStore opened = RocksDbKeyStore.open(work.resolve("opened"), checkpoint)) {
                    row(round, "open from checkpoint", started, cpu, bytes(work.resolve("opened"), false), 0);
                }
                delete(checkpoint);
            }
        }
    }

    /** {@code count} more {@code a}s at keys already held, spread over them; returns the next timestamp. */
    private static long touch(Engine engine, int keys, int count, int round, long ts, long serial) {
        for (int i = 0; i < count; i++) {
            int key = (int) (((long) i * 7919 + round * 104729L) % keys);
            engine.offer(event(key, ts, serial + i));
        }
        engine.advanceWatermark(ts + 1);
        return ts + 2;
    }

    private static Event event(int key, long ts, long serial) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stream", "events");
        fields.put("key", "card-" + key);
        fields.put("type", "A");
        fields.put("amount", 10.0 + (key % 1000));
        fields.put("ts", ts);
        return new Event("events", ts, serial, fields);
    }

    private static void row(int round, String what, long started, long[] cpu, long bytes, long newBytes) {
        long[] now = cpu();
        System.out.printf("%5d %-22s %10.1f %10.1f %10.1f %,14d %,14d%n", round, what,
                (System.nanoTime() - started) / 1e6, (now[0] - cpu[0]) / 1e6, (now[1] - cpu[1]) / 1e6, bytes,
                newBytes);
    }

    /** CPU time of this thread and of the whole process (RocksDB flushes in threads of its own), ns. */
    private static long[] cpu() {
        return new long[] {ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(),
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()};
    }

    /** The bytes of the folder's files; {@code onlyHere}: of those with no other link (what the folder adds). */
    private static long bytes(Path folder, boolean onlyHere) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!onlyHere || (Integer) Files.getAttribute(file, "unix:nlink") == 1) {
                    total += Files.size(file);
                }
            }
        }
        return total;
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    private static final EngineListener SILENT = new EngineListener() {
        @Override
        public void onAlert(Alert alert) {}

        @Override
        public void onLateEvent(LateEvent late) {}
    };
}
