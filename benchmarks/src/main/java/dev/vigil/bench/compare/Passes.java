package dev.vigil.bench.compare;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * A profiling aid, not part of the comparison: runs one engine's passes over one workload in this JVM and prints
 * each pass's CPU time and heap allocated per event on the calling thread (for the engines fed on it: Vigil, Esper,
 * the floor), which other processes on the machine disturb less than wall-clock rates. Attach a profiler to it, or compare builds.
 *
 * <p>Arguments: {@code ENGINE WORKLOAD KEYS EVENTS PASSES}, e.g. {@code java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp
 * benchmarks/target/benchmarks.jar dev.vigil.bench.compare.Passes vigil W1 10000 2000000 6}.
 */
public final class Passes {
    private Passes() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Passes ENGINE WORKLOAD KEYS EVENTS PASSES");
            System.exit(2);
        }
        ComparedEngine engine = Engines.byName(args[0]);
        Workload workload = Workload.valueOf(args[1]);
        int keys = Integer.parseInt(args[2]);
        int events = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[4]);
        engine.prepare(workload, GeneratedStream.generate(events, keys, 42));
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int pass = 1; pass <= passes; pass++) {
            long before = threads.getCurrentThreadCpuTime();
            long allocatedBefore = threads.getThreadAllocatedBytes(thread);
            Run run = engine.run();
            long cpu = threads.getCurrentThreadCpuTime() - before;
            long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
            System.out.printf(Locale.ROOT, "%s %s %d keys, pass %d: %.0f ns CPU per event, %.1f B allocated per event,"
                            + " %.0f events/s, %d matches%n", args[0], workload, keys, pass, cpu / (double) events,
                    allocated / (double) events, run.eventsPerSecond(events), run.matches());
        }
        System.exit(0);   // Flink's local environment leaves non-daemon threads behind
    }
}
