package dev.vigil.cli;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.server.backtest.Backtest;
import dev.vigil.server.backtest.LoggedRule;
import dev.vigil.server.backtest.TimeRange;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.log.IngestLogSnapshot;
import dev.vigil.wire.JsonCodec;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code vigil backtest}: replays the ingest log of a data folder through rules ({@link Backtest}) and writes the
 * alerts they would have produced as NDJSON on stdout, a summary on stderr; the offline twin of
 * {@code POST /v1/backtest}. The folder may be in use by a running server: the log is read as it stood at start.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replay the events a server recorded in its data folder through rules, and write the alerts "
                + "they would have produced as NDJSON on stdout (a summary goes to stderr).",
            "Give rule files to try (their rules run as version 0), or the name of a rule the server deployed (its "
                + "latest deployment in the log, at its version: alert ids equal the live ones). Events outside "
                + "[--from, --to) are skipped; the recorded watermarks all apply, and the replay ends at the last "
                + "one (partial matches still open are counted, not flushed). A running server may use the folder.",
            "Like the server's, a backtest stops after --timeout or --max-events events read from the log, and "
                + "says so (truncated) with the alerts it found."})
final class BacktestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CompileLimitOptions compileLimits;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "The server's data folder (vigil serve --data; the default there is ./data).")
    Path data;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Candidate candidate;

    static final class Candidate {
        @Option(names = "--rule-file", arity = "1..*", paramLabel = "FILE",
                description = "Rule files (.cep, or .sql in MATCH_RECOGNIZE form) to try.")
        List<Path> ruleFiles;

        @Option(names = "--rule", paramLabel = "NAME", description = "A rule deployed on the server.")
        String rule;
    }

    @Option(names = "--from", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Replay events at or after TIME: epoch milliseconds or ISO-8601 (default: the first).")
    Long from;

    @Option(names = "--to", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Replay events before TIME: epoch milliseconds or ISO-8601 (default: the last).")
    Long to;

    @Option(names = "--limit", paramLabel = "N",
            description = "Stop after N alerts (the summary says truncated when there were more; default: no limit).")
    Long limit;

    @Option(names = "--max-events", paramLabel = "N",
            defaultValue = "" + ServerConfig.RuleWork.DEFAULT_BACKTEST_MAX_EVENTS,
            description = "Stop after reading N events of the log (default: ${DEFAULT-VALUE}).")
    long maxEvents;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long replaying, such as 30s or 2m (default: "
                    + ServerConfig.RuleWork.DEFAULT_BACKTEST_TIMEOUT_MS + "ms).")
    Long timeoutMs;

    @Option(names = "--timeout-ms", paramLabel = "MS", converter = DurationConverter.class, hidden = true,
            description = "Deprecated name of --timeout (a bare number is milliseconds).")
    Long deprecatedTimeoutMs;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        // picocli's writer flushes every line: a replay with many alerts spent more time in write calls than replaying
        PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16), false);
        if (limit != null && limit < 1) {
            err.println("vigil backtest: --limit must be at least 1, got " + limit);
            return Vigil.EXIT_USAGE;
        }
        if (maxEvents < 1) {
            err.println("vigil backtest: --max-events must be at least 1, got " + maxEvents);
            return Vigil.EXIT_USAGE;
        }
        if (timeoutMs != null && deprecatedTimeoutMs != null) {
            err.println("vigil backtest: --timeout and --timeout-ms name the same bound (the second is its deprecated "
                    + "name); give --timeout only");
            return Vigil.EXIT_USAGE;
        }
        long replayMs = timeoutMs != null ? timeoutMs : deprecatedTimeoutMs != null ? deprecatedTimeoutMs
                : ServerConfig.RuleWork.DEFAULT_BACKTEST_TIMEOUT_MS;
        if (replayMs < 1) {
            err.println("vigil backtest: --timeout must be at least 1ms, got " + replayMs + "ms");
            return Vigil.EXIT_USAGE;
        }
        CompileLimits limits = compileLimits.limits(err, "backtest");
        if (limits == null) {
            return Vigil.EXIT_USAGE;
        }
        long fromMs = from == null ? Long.MIN_VALUE : from;
        long toMs = to == null ? Long.MAX_VALUE : to;
        if (fromMs >= toMs) {
            err.println("vigil backtest: --to must be later than --from: the range [from, to) is empty");
            return Vigil.EXIT_USAGE;
        }
        TimeRange range = new TimeRange(fromMs, toMs);
        try (IngestLogSnapshot log = IngestLogSnapshot.ofDataFolder(data)) {
            List<CompiledRule> rules = new ArrayList<>();
            int status = candidate.rule != null ? logged(log, err, rules, limits) : fromFiles(err, rules, limits);
            if (status != 0) {
                return status;
            }
            Backtest.Summary summary = new Backtest(rules, range, limit == null ? Backtest.NO_LIMIT : limit,
                    new Backtest.Bounds(maxEvents, replayMs, () -> false), System::nanoTime)
                    .run(log, alert -> out.println(JsonCodec.alert(alert)));
            out.flush();
            err.println(render(rules, range, summary));
            return 0;
        } catch (NoSuchFileException missing) {
            err.println("vigil backtest: " + data + " holds no ingest log (no folder " + data.resolve("ingest")
                    + "); give the data folder of a server (vigil serve --data DIR)");
            return Vigil.EXIT_USAGE;
        }
    }

    /** The rule named {@code --rule} as last deployed in the log; 0, or the exit status after saying why not. */
    private int logged(IngestLogSnapshot log, PrintWriter err, List<CompiledRule> rules, CompileLimits limits) {
        LoggedRule.Lookup lookup = LoggedRule.find(log, candidate.rule, limits);
        if (lookup instanceof LoggedRule.Found found) {
            rules.add(found.rule());
            return 0;
        }
        if (lookup instanceof LoggedRule.NeverDeployed) {
            err.println("vigil backtest: no rule named '" + candidate.rule + "' was ever deployed on " + data
                    + "; give its text with --rule-file instead");
            return Vigil.EXIT_USAGE;
        }
        if (lookup instanceof LoggedRule.NoLongerCompiles stale) {
            err.println("vigil backtest: rule '" + candidate.rule + "' as deployed from " + stale.origin()
                    + " no longer compiles:");
            for (Diagnostic diagnostic : stale.diagnostics()) {
                err.println(diagnostic.render());
            }
            return Vigil.EXIT_RULE_ERRORS;
        }
        throw new AssertionError(lookup);
    }

    /** The rules of {@code --rule-file}, at version 0; 0, or the exit status after reporting their mistakes. */
    private int fromFiles(PrintWriter err, List<CompiledRule> rules, CompileLimits limits) {
        RuleFiles loaded = RuleFiles.load(candidate.ruleFiles, limits);
        int status = loaded.report(err);
        if (status != 0) {
            return status;
        }
        if (loaded.rules().isEmpty()) {
            err.println("vigil backtest: the rule files declare no RULE");
            return Vigil.EXIT_RULE_ERRORS;
        }
        for (CompiledRule rule : loaded.rules()) {
            rules.add(rule.withVersion(0));   // as POST /v1/backtest numbers text: no deployment has version 0
        }
        return 0;
    }

    private static String render(List<CompiledRule> rules, TimeRange range, Backtest.Summary summary) {
        List<String> names = new ArrayList<>();
        for (CompiledRule rule : rules) {
            names.add(rule.name() + " v" + rule.version());
        }
        return "vigil backtest: " + String.join(", ", names) + ": " + summary.eventsReplayed() + " events in "
                + range + " replayed, " + summary.alerts() + " alerts" + truncation(summary) + ", "
                + summary.openPartialMatches()
                + " partial matches open at the end, log read to position " + summary.lastPosition();
    }

    private static String truncation(Backtest.Summary summary) {
        if (summary.stoppedBy() == null) {
            return "";
        }
        switch (summary.stoppedBy()) {
            case ALERTS:
                return " (truncated: more followed the limit)";
            case EVENTS:
                return " (truncated: stopped after " + summary.eventsRead() + " events read, --max-events)";
            case TIME:
                return " (truncated: stopped after --timeout)";
            default:
                return " (truncated: cancelled)";
        }
    }

    /** Reads {@code --from}/{@code --to} as {@link TimeRange#instant} does. */
    static final class InstantConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            Long instant = TimeRange.instant(value.trim());
            if (instant == null) {
                throw new TypeConversionException("'" + value + "' is not a time; write epoch milliseconds or "
                        + "ISO-8601, e.g. 2026-11-21T09:00:00Z");
            }
            return instant;
        }
    }
}
