package dev.vigil.server;

import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.durable.ChronicleIngestLog;
import dev.vigil.server.ingest.IngestLog;
import dev.vigil.server.ingest.LogRecord;
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
final class Recovery {
    private final Context eventLoop;
    private final ChronicleIngestLog log;
    private final Ingest ingest;
    private final RuleRegistry registry;
    private final PrintWriter err;

    Recovery(Context eventLoop, ChronicleIngestLog log, Ingest ingest, RuleRegistry registry, PrintWriter err) {
        this.eventLoop = eventLoop;
        this.log = log;
        this.ingest = ingest;
        this.registry = registry;
        this.err = err;
    }

    /** Replays the whole log; returns the rule files as deployed, where the rules folder's reload starts from. */
    Map<Path, RuleReloader.WatchedFile> replay() throws Exception {
        Map<Path, RuleReloader.WatchedFile> files = new HashMap<>();
        ChronicleIngestLog.Reader reader = log.readAfter(0);
        long batches = 0;
        for (LogRecord record = reader.next(); record != null; record = reader.next()) {
            if (record instanceof LogRecord.Batch batch) {
                ingest.replayBatch(batch.lines());
                batches++;
            } else if (record instanceof LogRecord.Deploy deploy) {
                replay(deploy, files);
            } else if (record instanceof LogRecord.Undeploy undeploy) {
                onEventLoop(() -> registry.remove(undeploy.name()));
                ingest.replayUndeploy(undeploy.name());
                files.replaceAll((file, watched) -> without(watched, undeploy.name()));
            }
        }
        err.println("vigil serve: recovered " + batches + " event batches and " + registry.size()
                + " rule(s) from the ingest log");
        err.flush();
        return files;
    }

    private void replay(LogRecord.Deploy deploy, Map<Path, RuleReloader.WatchedFile> files) throws Exception {
        String file = deploy.origin().equals(IngestLog.HTTP) ? "request" : deploy.origin();
        CompileResult result = RuleCompiler.compile(file, deploy.text());
        List<CompiledRule> rules = new ArrayList<>();
        for (CompiledRule rule : result.rules()) {
            Integer version = deploy.versions().get(rule.name());
            if (version != null) {
                rules.add(rule.withVersion(version));
            }
        }
        if (!result.ok() || rules.size() != deploy.versions().size()) {
            // the rule language changed under a logged rule: its state cannot be rebuilt; say so and go on
            err.println("vigil serve: recovery: rules " + deploy.versions().keySet() + " from " + file
                    + " no longer compile as logged; their state is lost: " + result.diagnostics());
            return;
        }
        Instant deployedAt = Instant.ofEpochMilli(deploy.deployedAtMs());
        onEventLoop(() -> {
            registry.declare(result.streams());
            for (CompiledRule rule : rules) {
                registry.put(new DeployedRule(rule, deploy.text(), deployedAt));
            }
        });
        ingest.replayDeploy(rules, deploy.watermarks());
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
