package dev.vigil.server.checkpoint;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.log.LogRecord;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleReloader;
import dev.vigil.server.rules.RuleText;
import dev.vigil.server.sequencer.SequencerProxy;
import io.vertx.core.Context;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Rebuilds the shards' state after a restart by giving them again, in order, everything the ingest log recorded:
 * rule changes and event batches, with the watermarks they got. The engines are deterministic, so they end where
 * they were and regenerate the same alerts (same ids); the alert log drops those it already holds, so subscribers
 * and sinks get only the ones that were lost. Sequence numbers and rule versions go on from the log.
 *
 * <p>Runs on a worker before the server listens. Registry changes are made on the event loop, in log order
 * (the worker waits for each), so a replayed alert finds the rule's sinks as they were then.
 */
public final class Recovery {
    private final Context eventLoop;
    private final IngestLog log;
    private final SequencerProxy ingest;
    /** Completed with the first failure of a replayed record. */
    private final CompletableFuture<Void> failed = new CompletableFuture<>();
    private final RuleRegistry registry;
    private final PrintWriter err;
    private final Restart from;
    private final CompileLimits limits;

    /**
     * @param from the checkpoint the shards and the door were restored from (replay goes on after its position), or
     *     null to replay the whole log
     * @param limits what the logged rule texts compile under: the server's
     */
    public Recovery(Context eventLoop, IngestLog log, SequencerProxy ingest, RuleRegistry registry, PrintWriter err,
            Restart from, CompileLimits limits) {
        this.eventLoop = eventLoop;
        this.log = log;
        this.ingest = ingest;
        this.registry = registry;
        this.err = err;
        this.from = from;
        this.limits = limits;
    }

    /**
     * Replays the log after the checkpoint (or all of it); returns the rule files as deployed, where the rules
     * folder's reload starts from.
     */
    public Map<Path, RuleReloader.WatchedFile> replay() throws Exception {
        Map<Path, RuleReloader.WatchedFile> files = new HashMap<>();
        long position = 0;
        if (from != null) {
            position = from.checkpoint().position();
            registerCheckpointRules(files);
        }
        IngestLog.Reader reader = log.readAfter(position);
        long batches = 0;
        for (LogRecord record = reader.next(); record != null; record = reader.next()) {
            if (record instanceof LogRecord.Batch batch) {
                ingest.replay(batch, List.of(), failed);
                batches++;
            } else if (record instanceof LogRecord.Deploy deploy) {
                replay(deploy, files);
            } else if (record instanceof LogRecord.Undeploy undeploy) {
                onEventLoop(() -> registry.remove(undeploy.name()));
                ingest.replay(undeploy, List.of(), failed);
                files.replaceAll((file, watched) -> without(watched, undeploy.name()));
            } else if (record instanceof LogRecord.Repaired repaired) {
                ingest.replay(repaired, List.of(), failed);
                err.println("vigil serve: recovery: the ingest log was repaired at position "
                        + repaired.position() + ": " + repaired.note() + "; event numbers skip "
                        + repaired.skippedNumbers() + " there");
            }
        }
        ingest.sync(true).get();   // every record replayed; from now on idle sources expire by the clock
        if (failed.isCompletedExceptionally()) {
            failed.get();   // throws the replay's failure: a server that cannot replay its log does not start
        }
        err.println("vigil serve: recovered " + (from == null ? "" : describe(from.checkpoint()) + " (log position "
                + position + "), then ") + batches + " event batches and " + registry.size()
                + " rule(s) from the ingest log");
        err.flush();
        return files;
    }

    private static String describe(Checkpoint cut) {
        return cut.name() == null ? "checkpoint " + cut.id() : "savepoint '" + cut.name() + "'";
    }

    /** The checkpoint's rules go in the registry as they were deployed (their shards already hold them). */
    private void registerCheckpointRules(Map<Path, RuleReloader.WatchedFile> files) throws Exception {
        Map<String, RuleText> texts = new HashMap<>();
        for (RuleText text : from.checkpoint().rules()) {
            texts.put(text.name(), text);
        }
        onEventLoop(() -> {
            from.rules().declarations().forEach(registry::declare);
            for (CompiledRule rule : from.rules().rules()) {
                RuleText text = texts.get(rule.name());
                registry.put(new DeployedRule(rule, text.text(), Instant.ofEpochMilli(text.deployedAtMs())));
            }
        });
        for (CompiledRule rule : from.rules().rules()) {
            RuleText text = texts.get(rule.name());
            if (!text.origin().equals(IngestLog.HTTP)) {
                RuleReloader.WatchedFile watched = files.get(Path.of(text.origin()));
                List<String> names = watched == null ? new ArrayList<>() : new ArrayList<>(watched.rules());
                names.add(rule.name());
                files.put(Path.of(text.origin()), new RuleReloader.WatchedFile(text.text(), names));
            }
        }
    }

    private void replay(LogRecord.Deploy deploy, Map<Path, RuleReloader.WatchedFile> files) throws Exception {
        LoggedRules compiled = LoggedRules.compile(deploy.origin(), deploy.text(), deploy.versions(), limits);
        for (String problem : compiled.problems()) {
            err.println("vigil serve: recovery: " + problem);
        }
        List<CompiledRule> rules = compiled.rules();
        if (rules.isEmpty()) {
            return;
        }
        Instant deployedAt = Instant.ofEpochMilli(deploy.deployedAtMs());
        onEventLoop(() -> {
            compiled.declarations().forEach(registry::declare);
            for (CompiledRule rule : rules) {
                registry.put(new DeployedRule(rule, deploy.text(), deployedAt));
            }
        });
        ingest.replay(deploy, rules, failed);
        if (!deploy.origin().equals(IngestLog.HTTP)) {
            files.put(Path.of(deploy.origin()),
                    new RuleReloader.WatchedFile(deploy.text(), new ArrayList<>(deploy.versions().keySet())));
        }
    }

    private static RuleReloader.WatchedFile without(RuleReloader.WatchedFile watched, String rule) {
        List<String> rules = new ArrayList<>(watched.rules());
        rules.remove(rule);
        return new RuleReloader.WatchedFile(watched.text(), rules);
    }

    /** Runs {@code change} on the event loop and waits for it. */
    private void onEventLoop(Runnable change) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        eventLoop.runOnContext(ignored -> {
            try {
                change.run();
                done.complete(null);
            } catch (RuntimeException bug) {
                done.completeExceptionally(bug);
            }
        });
        done.get();
    }
}
