package dev.vigil.server.metrics;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.nfa.CompileResult;
import dev.vigil.server.config.ServerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code /metrics} counters of the bounds on rule work ({@link ServerConfig.RuleWork}): rule texts refused for
 * passing a compile limit (tagged {@code limit=<setting>}), compile requests refused because every compiler was busy,
 * backtests running now and refused because one was running, and backtests stopped before the end of the log (tagged
 * {@code reason=time|events|alerts|cancelled}).
 *
 * <p><b>Thread-safe:</b> Micrometer's counters are.
 */
public final class RuleWorkMeters {
    private final MeterRegistry registry;
    private final Counter compileBusy;
    private final Counter backtestBusy;

    public RuleWorkMeters(MeterRegistry registry) {
        this.registry = registry;
        this.compileBusy = Counter.builder("vigil.rule.compiles.busy")
                .description("Rule compile requests refused (503) because every compile thread and its queue were busy")
                .register(registry);
        this.backtestBusy = Counter.builder("vigil.backtests.busy")
                .description("Backtests refused (503) because another was running")
                .register(registry);
    }

    /** Counts each limit {@code result} was refused for (once per text and limit). */
    public void compiled(CompileResult result) {
        Set<String> limits = new HashSet<>();
        for (Diagnostic diagnostic : result.diagnostics()) {
            if (diagnostic.limit() != null && limits.add(diagnostic.limit())) {
                Counter.builder("vigil.rule.compile.limits")
                        .description("Rule texts refused for passing a compile limit, by limit")
                        .tag("limit", diagnostic.limit()).register(registry).increment();
            }
        }
    }

    public void compileBusy() {
        compileBusy.increment();
    }

    /** Shows {@code running} (whether a backtest holds the slot) as the gauge {@code vigil_backtests_running}, 1 or 0. */
    public void backtestRunning(AtomicBoolean running) {
        Gauge.builder("vigil.backtests.running", running, held -> held.get() ? 1 : 0)
                .description("Backtests running now (at most one runs at a time)").register(registry);
    }

    public void backtestBusy() {
        backtestBusy.increment();
    }

    /** Counts a backtest that ended before the end of the log, for {@code reason}. */
    public void backtestStopped(String reason) {
        Counter.builder("vigil.backtests.stopped")
                .description("Backtests stopped before the end of the ingest log, by reason")
                .tag("reason", reason).register(registry).increment();
    }
}
