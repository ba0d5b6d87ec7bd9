package dev.vigil.server.backtest;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.log.IngestLogSnapshot;
import dev.vigil.server.log.LogRecord;
import java.util.List;

/**
 * Finds a rule's latest deployment in an ingest log, for a backtest without a server to ask: the log's deployment
 * records hold each rule's text and version, so the rule compiles again to what ran, and a backtest at that version
 * reproduces its alert ids. A rule removed since is found too (its last deployment).
 */
public final class LoggedRule {
    /** What the log says about a rule name. */
    public sealed interface Lookup {}

    /** The rule as last deployed, at its deployed version. */
    public record Found(CompiledRule rule, long position) implements Lookup {}

    /** No deployment in the log holds a rule of that name. */
    public record NeverDeployed(String name) implements Lookup {}

    /** The logged text no longer compiles to the rule (the rule language changed since it was deployed). */
    public record NoLongerCompiles(String name, String origin, List<Diagnostic> diagnostics) implements Lookup {}

    private LoggedRule() {
    }

    /** Reads the whole snapshot for the latest deployment of {@code name}, compiled under {@code limits}. */
    public static Lookup find(IngestLogSnapshot log, String name, CompileLimits limits) {
        IngestLogSnapshot.Records records = log.records();
        LogRecord.Deploy latest = null;
        for (LogRecord record = records.next(); record != null; record = records.next()) {
            if (record instanceof LogRecord.Deploy deploy && deploy.versions().containsKey(name)) {
                latest = deploy;
            }
        }
        if (latest == null) {
            return new NeverDeployed(name);
        }
        // the file name diagnostics showed when it was deployed: the rule file's path, or "request" over HTTP
        String file = latest.origin().equals(IngestLog.HTTP) ? "request" : latest.origin();
        CompileResult result = RuleCompiler.compile(file, latest.text(), limits);
        for (CompiledRule rule : result.rules()) {
            if (rule.name().equals(name) && result.ok()) {
                return new Found(rule.withVersion(latest.versions().get(name)), latest.position());
            }
        }
        return new NoLongerCompiles(name, latest.origin(), result.diagnostics());
    }
}
