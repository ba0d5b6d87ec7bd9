package dev.vigil.bench;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Timer firing: {@value #KEYS} keys each get one partial match with a window timer, then one watermark past every
 * window fires them all. {@code fill} only fills the keys; {@code fillAndFire} also fires the timers; both are
 * reported per key, so the difference of the two (time and {@code gc.alloc.rate.norm}) is what firing one timer
 * costs. {@code W1}: the window expires a run waiting for b, dropped without materialising its events (the rule
 * reports no timeouts); {@code W5}: the window completes an absence, so each timer yields an alert. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar TimerBenchmark -prof gc}.
 */
@State(Scope.Thread)
public class TimerBenchmark extends MicroBenchmark {
    static final int KEYS = 10_000;
    private static final long START = 1_000_000L;

    @Param({"W1", "W5"})
    String workload;

    private List<CompiledRule> rules;
    private Event[] starts;
    private long alerts;

    @Setup(Level.Trial)
    public void compile() {
        rules = Workload.valueOf(workload).rules();
        starts = new Event[KEYS];
        for (int i = 0; i < KEYS; i++) {
            starts[i] = new Event("events", START, i, Map.of("key", "k" + i, "type", "A", "value", 1L));
        }
    }

    private Engine filled() {
        Engine engine = new Engine(rules, EngineConfig.defaults(), new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts++;
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new IllegalStateException("late: " + late);
            }
        });
        for (Event start : starts) {
            engine.offer(start);
        }
        engine.advanceWatermark(START);
        return engine;
    }

    @Benchmark
    @OperationsPerInvocation(KEYS)
    public void fill() {
        try (Engine engine = filled()) {
            check(0);
        }
    }

    @Benchmark
    @OperationsPerInvocation(KEYS)
    public void fillAndFire() {
        try (Engine engine = filled()) {
            engine.advanceWatermark(START + 60_000);
            check(workload.equals("W5") ? KEYS : 0);
        }
    }

    private void check(long expected) {
        if (alerts != expected) {
            throw new IllegalStateException(alerts + " alerts, expected " + expected);
        }
        alerts = 0;
    }
}
