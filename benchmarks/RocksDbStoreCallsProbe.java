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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the engine asks of RocksDB as the key count grows, and what an event costs it: one engine keeping key state in
 * RocksDB (no key bound), {@code a -> b WITHIN 1 DAY} per key, {@code keys} {@code a} events of distinct keys (each
 * key's first event, as in {@code rocksdb-20m.sh}); after each fifth, the store's {@code get}s so far (and how many
 * found a value), its {@code put}s, and the engine thread's CPU time per event over that fifth.
 *
 * <p>Run (after {@code mvn -o -q -B -DskipTests package -pl cli -am}):
 * {@code java -Xmx2g -cp cli/target/vigil.jar benchmarks/RocksDbStoreCallsProbe.java [keys]}.
 */
public class RocksDbStoreCallsProbe {
    private static long gets;
    private static long found;
    private static long puts;

    public static void main(String[] args) throws Exception {
        int keys = args.length < 1 ? 2_000_000 : Integer.parseInt(args[0]);
        CompileResult compiled = RuleCompiler.compile("probe.cep", """
                STREAM events (key STRING, type STRING, ts TIMESTAMP);
                RULE pair FROM events PARTITION BY key
                  PATTERN a -> b WITHIN 1 DAY
                  DEFINE a AS type = 'A', b AS type = 'B';
                """);
        if (!compiled.ok()) {
            throw new IllegalStateException(compiled.diagnostics().toString());
        }
        Path folder = Files.createTempDirectory("rocksdb-store-calls-probe");
        EngineConfig config = EngineConfig.defaults().withKeyBounds(EngineConfig.KeyBounds.unbounded())
                .withKeyStore(() -> counting(RocksDbKeyStore.open(folder)));
        System.out.printf("load average %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        long ts = 1_700_000_000_000L;
        int fifth = Math.max(1, keys / 5);
        try (Engine engine = new Engine(compiled.rules(), config, SILENT)) {
            long cpu = cpu();
            for (int i = 0; i < keys; i++) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("stream", "events");
                fields.put("key", String.format("k%08d", i));
                fields.put("type", "A");
                fields.put("ts", ts + i);
                engine.offer(new Event("events", ts + i, i, fields));
                if ((i + 1) % fifth == 0) {
                    long now = cpu();
                    System.out.printf("%,d keys: %,d gets (%,d found), %,d puts; %.1f us of CPU per event%n", i + 1,
                            gets, found, puts, (now - cpu) / 1e3 / fifth);
                    cpu = now;
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(path);
                }
            }
        }
    }

    private static KeyStore counting(KeyStore store) {
        return new KeyStore() {
            @Override
            public byte[] get(byte[] key) {
                gets++;
                byte[] value = store.get(key);
                found += value == null ? 0 : 1;
                return value;
            }

            @Override
            public void put(byte[] key, byte[] value) {
                puts++;
                store.put(key, value);
            }

            @Override
            public void delete(byte[] key) {
                store.delete(key);
            }

            @Override
            public void deleteRange(byte[] from, byte[] to) {
                store.deleteRange(from, to);
            }

            @Override
            public Entry first(byte[] from, byte[] to) {
                return store.first(from, to);
            }

            @Override
            public Scan scan(byte[] from, byte[] to) {
                return store.scan(from, to);
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static final EngineListener SILENT = new EngineListener() {
        @Override
        public void onAlert(Alert alert) {}

        @Override
        public void onLateEvent(LateEvent late) {}
    };
}
