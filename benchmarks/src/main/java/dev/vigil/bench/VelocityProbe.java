package dev.vigil.bench;

import com.sun.management.ThreadMXBean;
import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.RuleCompiler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Transaction velocity two ways, in one JVM, passes interleaved: rules-examples/transaction-velocity's loop rule
 * ({@code tx{5} RELAXED WITHIN 1 MINUTE}) and the one-stage rule with a windowed count
 * ({@code COUNT(*) OVER (LAST 1 MINUTE) >= 5}), each alone in an engine (event time, heap state) over the same
 * generated transactions; prints each pass's CPU time and heap allocated per event on the calling thread, and the
 * alerts. The two rules do not mean the same (see the example's README), so the alert counts differ. A build
 * without windowed aggregates runs the loop rule alone (to compare builds).
 *
 * <p>Arguments: {@code RULE_FILE ACCOUNTS EVENTS PASSES}, e.g. {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * dev.vigil.bench.VelocityProbe rules-examples/transaction-velocity/rule.cep 10000 1000000 5}.
 */
public final class VelocityProbe {
    static final String ONE_STAGE = """
            STREAM transactions (account STRING, type STRING, amount DOUBLE, merchant STRING, channel STRING,
              ts TIMESTAMP) WATERMARK DELAY 2 SECONDS;

            RULE transaction_velocity_one_stage
              SEVERITY medium
              FROM transactions
              PARTITION BY account
              PATTERN tx
              DEFINE tx AS type = 'debit' AND COUNT(*) OVER (LAST 1 MINUTE) >= 5
              EMIT account = account, amount = tx.amount
              SUPPRESS FOR 1 MINUTE;
            """;

    private VelocityProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: VelocityProbe RULE_FILE ACCOUNTS EVENTS PASSES");
            System.exit(2);
        }
        List<CompiledRule> loop = compile(Files.readString(Path.of(args[0])));
        CompileResult oneStageResult = RuleCompiler.compile("one-stage.cep", ONE_STAGE);
        List<List<CompiledRule>> variants = oneStageResult.ok() ? List.of(loop, oneStageResult.rules()) : List.of(loop);
        if (!oneStageResult.ok()) {
            System.out.println("the one-stage rule does not compile in this build: the loop rule alone");
        }
        List<Event> events = transactions(Integer.parseInt(args[1]), Integer.parseInt(args[2]), 42);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int pass = 1; pass <= Integer.parseInt(args[3]); pass++) {
            for (List<CompiledRule> rules : variants) {
                long[] alerts = new long[1];
                Engine engine = new Engine(rules, EngineConfig.defaults(), new EngineListener() {
                    @Override
                    public void onAlert(Alert alert) {
                        alerts[0]++;
                    }

                    @Override
                    public void onLateEvent(LateEvent late) {
                        throw new IllegalStateException("the generated events are in order");
                    }
                });
                long cpu = threads.getCurrentThreadCpuTime();
                long allocated = threads.getThreadAllocatedBytes(thread);
                for (Event event : events) {
                    engine.offer(event);
                }
                engine.finish();
                cpu = threads.getCurrentThreadCpuTime() - cpu;
                allocated = threads.getThreadAllocatedBytes(thread) - allocated;
                System.out.printf(Locale.ROOT, "pass %d %-32s %5.0f ns CPU/event %6.1f B/event %7d alerts%n", pass,
                        rules.get(0).name(), cpu / (double) events.size(), allocated / (double) events.size(),
                        alerts[0]);
                engine.close();
            }
        }
    }

    private static List<CompiledRule> compile(String text) {
        CompileResult result = RuleCompiler.compile("velocity.cep", text);
        if (!result.ok()) {
            throw new IllegalArgumentException(result.diagnostics().toString());
        }
        return result.rules();
    }

    /**
     * {@code count} transactions of {@code accounts} accounts, 10 ms apart on average: 80 % debits, the rest credits
     * and refunds; one account in a hundred pays in bursts (a transaction every second or so for a while).
     */
    static List<Event> transactions(int accounts, int count, long seed) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>(count);
        long ts = 1_700_000_000_000L;
        for (int i = 0; i < count; i++) {
            ts += random.nextInt(20);
            int account = random.nextInt(accounts);
            if (random.nextInt(4) == 0) {
                account = account % Math.max(1, accounts / 100);   // the bursting few
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("account", "ACC-" + account);
            int kind = random.nextInt(10);
            fields.put("type", kind < 8 ? "debit" : kind == 8 ? "credit" : "refund");
            fields.put("amount", random.nextInt(10_000) / 100.0);
            fields.put("merchant", "m" + random.nextInt(500));
            fields.put("channel", "web");
            fields.put("ts", ts);
            events.add(new Event("transactions", ts, i, fields));
        }
        return events;
    }
}
