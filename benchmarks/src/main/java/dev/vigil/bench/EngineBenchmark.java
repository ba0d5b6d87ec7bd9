package dev.vigil.bench;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Events per second through one {@link Engine} (one thread, so per core) on in-memory events; each invocation
 * runs the whole stream through a fresh engine and flushes it. Throughput is reported per event
 * ({@code @OperationsPerInvocation}), so {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes allocated per
 * event. {@code state} compares the key-state backends: heap (the default) and RocksDB (a fresh database in a
 * temporary folder per invocation). Run: {@code mvn -B -Pbenchmarks -pl benchmarks -am package -DskipTests &&
 * java -Xmx4g -jar benchmarks/target/benchmarks.jar EngineBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class EngineBenchmark {
    static final int EVENTS = 2_000_000;

    @Param({"W1:10000", "W3:1000"})
    String workload;

    @Param({"heap", "rocksdb"})
    String state;

    private Path folder;

    private List<CompiledRule> rules;
    private Event[] events;
    private long matches;

    @Setup(Level.Trial)
    public void generate() {
        String[] parts = workload.split(":");
        rules = Workload.valueOf(parts[0]).rules();
        events = Workload.events(EVENTS, Integer.parseInt(parts[1]), 42L);
        if (state.equals("rocksdb")) {
            try {
                folder = Files.createTempDirectory("vigil-bench-state");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @TearDown(Level.Trial)
    public void removeFolder() throws IOException {
        if (folder != null) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(path);
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void stream(Blackhole blackhole) {
        EngineConfig config = folder == null ? EngineConfig.defaults()
                : EngineConfig.defaults().withRocksDbState(folder.resolve("state"));
        Engine engine = new Engine(rules, config, new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                matches++;
                blackhole.consume(alert);
            }

            @Override
            public void onLateEvent(LateEvent late) {
                blackhole.consume(late);
            }
        });
        for (Event event : events) {
            engine.offer(event);
        }
        engine.finish();
        engine.close();
    }
}
