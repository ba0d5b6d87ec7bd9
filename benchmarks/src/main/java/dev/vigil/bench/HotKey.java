package dev.vigil.bench;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.RuleCounters;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;

/**
 * The hot key of issue 16 (item 11) as a command: {@code a ->> b+ ->> c} (skip till any match, every combination of
 * the b's) on one key, fed an {@code a}, then {@code b}s, then a {@code c}, one event per
 * millisecond of event time, through an {@link Engine} with the default configuration but the partial-match bound
 * given. Prints the CPU time of the engine's thread per event (all events, the slowest one, and the last tenth, when
 * the key is at its bounds) and the rule's counters. Runs with the API of every version since the partial-match
 * bound, so the same command measures a build before and after a change.
 *
 * <p>Arguments: {@code EVENTS [MAX_PARTIAL_MATCHES]} (default 10,000), e.g. {@code java -cp
 * benchmarks/target/benchmarks.jar dev.vigil.bench.HotKey 200 10000}.
 */
public final class HotKey {
    private static final String RULE = """
            RULE hot
              FROM s
              PARTITION BY k
              PATTERN a ->> b+ ->> c
              DEFINE a AS t = 'a', b AS t = 'b', c AS t = 'c';
            """;

    private HotKey() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: HotKey EVENTS [MAX_PARTIAL_MATCHES]");
            System.exit(2);
        }
        int events = Integer.parseInt(args[0]);
        int bound = args.length > 1 ? Integer.parseInt(args[1]) : EngineConfig.DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY;
        CompileResult compiled = RuleCompiler.compile("hot.cep", RULE);
        if (!compiled.ok()) {
            throw new IllegalStateException(compiled.diagnostics().toString());
        }
        long[] alerts = new long[1];
        EngineListener listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts[0]++;
            }

            @Override
            public void onLateEvent(LateEvent late) {
            }
        };
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        long slowest = 0;
        long lastTenth = 0;
        try (Engine engine = new Engine(compiled.rules(), EngineConfig.defaults().withMaxPartialMatchesPerKey(bound),
                listener)) {
            for (int i = 0; i < events; i++) {
                String type = i == 0 ? "a" : i == events - 1 ? "c" : "b";
                Event event = new Event("s", 1_000 + i, i, Map.of("k", "x", "t", type));
                long before = threads.getCurrentThreadCpuTime();
                engine.offer(event);   // releases the previous event: the watermark follows the event times
                long cpu = threads.getCurrentThreadCpuTime() - before;
                total += cpu;
                slowest = Math.max(slowest, cpu);
                if (i >= events - events / 10) {
                    lastTenth += cpu;
                }
            }
            long before = threads.getCurrentThreadCpuTime();
            engine.finish();
            total += threads.getCurrentThreadCpuTime() - before;
            RuleCounters counters = engine.counters().rules().get(0);
            System.out.printf(Locale.ROOT, "%d events, bound %d: %.3f ms CPU per event, slowest %.3f ms, last tenth"
                    + " %.3f ms per event; %d alerts; counters %s%n", events, bound, total / 1e6 / events,
                    slowest / 1e6, lastTenth / 1e6 / Math.max(1, events / 10), alerts[0], counters);
        }
    }
}
