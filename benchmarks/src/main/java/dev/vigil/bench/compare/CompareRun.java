package dev.vigil.bench.compare;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One engine on one workload in this JVM (started by {@link Compare}, one JVM per engine and workload): warm-up
 * passes, then measured passes, then one {@code RESULT} line on stdout with every figure as {@code name=value}
 * separated by tabs. With {@code --memory} it measures instead the heap retained per key holding one W1 partial
 * match.
 *
 * <p>Arguments: {@code ENGINE WORKLOAD KEYS EVENTS WARMUP RUNS SEED}, or {@code ENGINE --memory KEYS}.
 */
public final class CompareRun {
    private CompareRun() {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        ComparedEngine engine = Engines.byName(args[0]);
        if (args[1].equals("--memory")) {
            System.out.println(memory(engine, Integer.parseInt(args[2])));
        } else {
            Workload workload = Workload.valueOf(args[1]);
            GeneratedStream stream = GeneratedStream.generate(Integer.parseInt(args[3]), Integer.parseInt(args[2]),
                    Long.parseLong(args[6]));
            System.out.println(throughput(engine, workload, stream, Integer.parseInt(args[4]),
                    Integer.parseInt(args[5])));
        }
        System.out.flush();
        // Flink's local environment leaves non-daemon threads behind.
        System.exit(0);
    }

    private static String throughput(ComparedEngine engine, Workload workload, GeneratedStream stream, int warmup,
            int runs) throws Exception {
        String cannot = engine.cannotRun(workload);
        if (cannot != null) {
            return "RESULT\tstatus=cannot\treason=" + oneLine(cannot);
        }
        engine.prepare(workload, stream);
        for (int i = 0; i < warmup; i++) {
            Run run = engine.run();
            System.err.printf("%s %s warm-up %d: %.0f events/s, %d matches%n", engine.name(), workload, i + 1,
                    run.eventsPerSecond(stream.size()), run.matches());
        }
        resetPeakHeap();
        List<Run> measured = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Run run = engine.run();
            measured.add(run);
            System.err.printf("%s %s run %d: %.0f events/s, %d matches%n", engine.name(), workload, i + 1,
                    run.eventsPerSecond(stream.size()), run.matches());
        }
        long peakHeap = peakHeap();
        int n = stream.size();
        double[] rates = measured.stream().mapToDouble(r -> r.eventsPerSecond(n)).sorted().toArray();
        double[] first = measured.stream().mapToDouble(r -> r.firstTenthPerSecond(n)).sorted().toArray();
        double[] last = measured.stream().mapToDouble(r -> r.lastTenthPerSecond(n)).sorted().toArray();
        Run any = measured.get(0);
        for (Run run : measured) {
            if (run.matches() != any.matches() || run.fingerprint() != any.fingerprint()) {
                throw new IllegalStateException("runs found different matches: " + any + " and " + run);
            }
        }
        String differs = engine.differs(workload);
        return String.format("RESULT\tstatus=ok\tmedian=%.0f\tmin=%.0f\tmax=%.0f\tfirstTenth=%.0f\tlastTenth=%.0f"
                        + "\tmatches=%d\tfingerprint=%x\tpeakHeap=%d\truns=%s\tdiffers=%s",
                median(rates), rates[0], rates[rates.length - 1], median(first), median(last), any.matches(),
                any.fingerprint(), peakHeap, Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()),
                differs == null ? "" : oneLine(differs));
    }

    private static String memory(ComparedEngine engine, int keys) throws Exception {
        try (ComparedEngine.MemoryProbe probe = engine.memoryProbe()) {
            long before = usedAfterGc();
            probe.hold(keys);
            long after = usedAfterGc();
            return String.format("RESULT\tstatus=ok\tbytesPerKey=%.1f\tkeys=%d", (after - before) / (double) keys,
                    keys);
        }
    }

    /** Heap in use after full collections, once it stops falling (finalizers and soft references settle). */
    static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    private static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since the last reset (each pool's own peak: an upper bound). */
    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\t\\r\\n]+", " ");
    }
}
