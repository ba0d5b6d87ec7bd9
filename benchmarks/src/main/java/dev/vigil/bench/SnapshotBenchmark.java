package dev.vigil.bench;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.RuleCompiler;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checkpoint cost of one engine (one shard) holding {@code keys} keys, each with one partial match of
 * {@code a -> b WITHIN 1 HOUR} (one {@code a} per key, a window timer per key): {@code snapshot} is the time to
 * write the whole state at once into a growable byte array (a shard's pause before checkpoints were sliced);
 * {@code sliced} writes the same bytes as a shard now does, in steps between batches (see {@link #sliced});
 * {@code restore} is the time to rebuild the engine from those bytes at start. The
 * {@code bytes} counter reports the snapshot's size. Single-shot: one operation is the whole state.
 *
 * <p>Run: {@code mvn -o -q -B -Pbenchmarks -pl benchmarks -am package -DskipTests &&
 * java -jar benchmarks/target/benchmarks.jar SnapshotBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch"})
public class SnapshotBenchmark {
    private static final String RULE = """
            RULE pair FROM events PARTITION BY key
              PATTERN a -> b WITHIN 1 HOUR
              DEFINE a AS type = 'A', b AS type = 'B'
              EMIT first = a.amount;
            """;

    @Param({"1000000"})
    int keys;

    private List<CompiledRule> rules;
    private Engine engine;
    private byte[] snapshot;

    /** The snapshot's size in bytes, reported next to the timings. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Size {
        public long bytes;
    }

    /** A byte array that grows by doubling and is reused, so the measurement is the engine's work. */
    static final class Bytes extends OutputStream {
        byte[] array = new byte[1 << 20];
        int size;

        @Override
        public void write(int b) {
            ensure(1);
            array[size++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            ensure(length);
            System.arraycopy(source, offset, array, size, length);
            size += length;
        }

        private void ensure(int more) {
            if (size + more > array.length) {
                array = java.util.Arrays.copyOf(array, Math.max(size + more, array.length * 2));
            }
        }
    }

    private final Bytes out = new Bytes();

    @Setup(Level.Trial)
    public void fill() throws IOException {
        CompileResult compiled = RuleCompiler.compile("bench.cep", RULE);
        if (!compiled.ok()) {
            throw new IllegalStateException(compiled.diagnostics().toString());
        }
        rules = compiled.rules();
        engine = new Engine(rules, EngineConfig.defaults(), SILENT);
        long ts = 1_700_000_000_000L;
        for (int i = 0; i < keys; i++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("stream", "events");
            fields.put("key", "card-" + i);
            fields.put("type", "A");
            fields.put("amount", 10.0 + (i % 1000));
            fields.put("ts", ts + i / 100);
            engine.offer(new Event("events", ts + i / 100, i, fields));
        }
        engine.advanceWatermark(ts + keys / 100 + 1);
        if (engine.counters().rules().get(0).partialMatches() != keys) {
            throw new IllegalStateException("expected one partial match per key: " + engine.counters());
        }
        snapshot = write();
    }

    private byte[] write() throws IOException {
        out.size = 0;
        engine.snapshot(new DataOutputStream(out));
        return java.util.Arrays.copyOf(out.array, out.size);
    }

    @Benchmark
    public int snapshot(Size size) throws IOException {
        out.size = 0;
        engine.snapshot(new DataOutputStream(out));
        size.bytes = out.size;
        return out.size;
    }

    /** What a sliced snapshot stopped its engine for: the start, and the longest single step. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Stops {
        public long startMicros;
        public long longestStepMicros;
    }

    /**
     * The snapshot as a shard writes it during a checkpoint: started at the barrier, then {@value #STEP_KEYS} keys
     * at a time ({@code Engine.continueSnapshot}); the score is the whole writing time, the counters the
     * start's and the longest step's (what a shard stops for at once).
     */
    @Benchmark
    public int sliced(Size size, Stops stops) throws IOException {
        out.size = 0;
        long started = System.nanoTime();
        engine.startSnapshot(new DataOutputStream(out));
        stops.startMicros = (System.nanoTime() - started) / 1000;
        long longest = 0;
        boolean done;
        do {
            long step = System.nanoTime();
            done = engine.continueSnapshot(STEP_KEYS);
            longest = Math.max(longest, System.nanoTime() - step);
        } while (!done);
        stops.longestStepMicros = longest / 1000;
        size.bytes = out.size;
        return out.size;
    }

    private static final int STEP_KEYS = 256;

    @Benchmark
    public Engine restore() throws IOException {
        return Engine.restore(rules, EngineConfig.defaults(), SILENT,
                new DataInputStream(new ByteArrayInputStream(snapshot))).engine();
    }

    private static final EngineListener SILENT = new EngineListener() {
        @Override
        public void onAlert(Alert alert) {}

        @Override
        public void onLateEvent(LateEvent late) {}
    };
}
