package dev.vigil.server.checkpoint;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.log.LogRecord;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleReloader;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.server.rules.RuleText;
import dev.vigil.server.sequencer.SequencerProxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the shards' state after a restart by giving them again, in order, everything the ingest log recorded:
 * rule changes and event batches, with the watermarks they got. The engines are deterministic, so they end where
 * they were and regenerate the same alerts (same ids); the alert log drops those it already holds, so subscribers
 * and sinks get only the ones that were lost. Sequence numbers and rule versions go on from the log.
 *
 * <p>Runs on a worker before the server listens. Each replayed rule change carries the {@link RuleSet} it makes
 * (computed here, in log order, from the set the server started with), which the sequencer makes the running set
 * when it replays the change, so a replayed alert finds the rule's sinks as they were then.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final IngestLog log;
    private final SequencerProxy ingest;
    /** Completed with the first failure of a replayed record. */
    private final CompletableFuture<Void> failed = new CompletableFuture<>();
    private final RuleRegistry registry;
    private final Restart from;
    private final CompileLimits limits;

    /**
     * @param from the checkpoint the shards and the door were restored from (replay goes on after its position), or
     *     null to replay the whole log
     * @param limits what the logged rule texts compile under: the server's
     */
    public Recovery(IngestLog log, SequencerProxy ingest, RuleRegistry registry, Restart from, CompileLimits limits) {
        this.log = log;
        this.ingest = ingest;
        this.registry = registry;
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
            watchCheckpointRules(files);
        }
        RuleSet running = registry.current();   // the checkpoint's rules, or none
        IngestLog.Reader reader = log.readAfter(position);
        long batches = 0;
        for (LogRecord record = reader.next(); record != null; record = reader.next()) {
            if (record instanceof LogRecord.Batch batch) {
                ingest.replay(batch, null, failed);
                batches++;
            } else if (record instanceof LogRecord.Deploy deploy) {
                running = replay(running, deploy, files);
            } else if (record instanceof LogRecord.Undeploy undeploy) {
                running = running.undeploy(undeploy.name());
                ingest.replay(undeploy, running, failed);
                files.replaceAll((file, watched) -> without(watched, undeploy.name()));
            } else if (record instanceof LogRecord.Repaired repaired) {
                ingest.replay(repaired, null, failed);
                LOG.warn("recovery: the ingest log was repaired at position {}: {}; event numbers skip {} there",
                        repaired.position(), repaired.note(), repaired.skippedNumbers());
            }
        }
        ingest.sync(true).get();   // every record replayed; from now on idle sources expire by the clock
        if (failed.isCompletedExceptionally()) {
            failed.get();   // throws the replay's failure: a server that cannot replay its log does not start
        }
        LOG.info("recovered {}{} event batches and {} rule(s) from the ingest log", from == null ? ""
                : describe(from.checkpoint()) + " (log position " + position + "), then ", batches,
                registry.current().size());
        return files;
    }

    private static String describe(Checkpoint cut) {
        return cut.name() == null ? "checkpoint " + cut.id() : "savepoint '" + cut.name() + "'";
    }

    /** The rule files the checkpoint's rules came from, for the rules folder's reloader. */
    private void watchCheckpointRules(Map<Path, RuleReloader.WatchedFile> files) {
        Map<String, RuleText> texts = new HashMap<>();
        for (RuleText text : from.checkpoint().rules()) {
            texts.put(text.name(), text);
        }
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

    /** Replays a logged deployment over {@code running}; returns the set it makes. */
    private RuleSet replay(RuleSet running, LogRecord.Deploy deploy, Map<Path, RuleReloader.WatchedFile> files) {
        LoggedRules compiled = LoggedRules.compile(deploy.origin(), deploy.text(), deploy.versions(), limits);
        for (String problem : compiled.problems()) {
            LOG.warn("recovery: {}", problem);
        }
        if (compiled.rules().isEmpty()) {
            return running;
        }
        List<RuleText> texts = new ArrayList<>();
        for (Map.Entry<String, Integer> version : deploy.versions().entrySet()) {
            texts.add(new RuleText(version.getKey(), version.getValue(), deploy.origin(), deploy.text(),
                    deploy.deployedAtMs()));
        }
        RuleSet next = compiled.over(running, texts);
        ingest.replay(deploy, next, failed);
        if (!deploy.origin().equals(IngestLog.HTTP)) {
            files.put(Path.of(deploy.origin()),
                    new RuleReloader.WatchedFile(deploy.text(), new ArrayList<>(deploy.versions().keySet())));
        }
        return next;
    }

    private static RuleReloader.WatchedFile without(RuleReloader.WatchedFile watched, String rule) {
        List<String> rules = new ArrayList<>(watched.rules());
        rules.remove(rule);
        return new RuleReloader.WatchedFile(watched.text(), rules);
    }
}
