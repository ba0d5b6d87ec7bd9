package dev.vigil.nfa.match;

import dev.vigil.bench.MicroBenchmark;
import dev.vigil.nfa.Event;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The shared buffer alone (in the engine's package, since the buffer is internal): the calls one run makes as it
 * takes three events ({@code insert}: register, put after the previous node, lock for the new run, release the
 * old run and the event's own lock, per event), then the release of the completed run, which prunes the whole
 * path ({@code insertAndPrune}, per event); and the extraction of a completed three-event match
 * ({@code extract}). Versions and reference counts follow the stepper's. Run: {@code java -jar
 * benchmarks/target/benchmarks.jar SharedBufferBenchmark -prof gc}.
 */
@State(Scope.Thread)
public class SharedBufferBenchmark extends MicroBenchmark {
    private final Event[] events = new Event[3];
    private SharedBuffer completedBuffer;
    private SharedBuffer.Node completed;
    private int[] completedVersion;
    /** The node {@link #takeAll} bound last. */
    private SharedBuffer.Node lastNode;

    @Setup
    public void events() {
        String[] types = {"A", "B", "C"};
        for (int i = 0; i < events.length; i++) {
            events[i] = new Event("events", 1_000L + i, i, Map.of("key", "k1", "type", types[i], "value", (long) i));
        }
        completedBuffer = new PartialMatches();
        completedVersion = takeAll(completedBuffer);
        completed = lastNode;
    }

    /** One run takes every event, as the stepper binds them; leaves {@link #lastNode}, returns its version. */
    private int[] takeAll(SharedBuffer buffer) {
        SharedBuffer.Node node = null;
        int[] version = Dewey.of(1);
        for (int variable = 0; variable < events.length; variable++) {
            SharedBuffer.Entry entry = buffer.register(events[variable], events[variable].timestamp());
            SharedBuffer.Node taken = buffer.put(variable, entry, node, version);
            int[] next = Dewey.addStage(version);
            buffer.lock(taken, next);
            buffer.release(node, version);
            buffer.release(entry);
            node = taken;
            version = next;
        }
        lastNode = node;
        return version;
    }

    @Benchmark
    @OperationsPerInvocation(3)
    public boolean insertAndPrune() {
        SharedBuffer buffer = new PartialMatches();   // a key's buffer is its partial matches
        int[] version = takeAll(buffer);
        buffer.release(lastNode, version);
        if (!buffer.isEmpty()) {
            throw new IllegalStateException("the completed run's release left " + buffer.nodeCount() + " nodes");
        }
        return buffer.isEmpty();
    }

    @Benchmark
    public List<SharedBuffer.Node[]> extract() {
        return completedBuffer.extract(completed, completedVersion);
    }
}
