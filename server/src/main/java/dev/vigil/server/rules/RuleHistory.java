package dev.vigil.server.rules;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.log.DamagedLogException;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.log.IngestLogSnapshot;
import dev.vigil.server.log.LogRecord;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions every rule name has had, newest last, with their texts and how each ended (replaced, with the
 * replacement policy's verdict on its partial matches, or deleted): what {@code GET /v1/rules/{name}/versions} shows.
 *
 * <p><b>Where it comes from.</b> The ingest log is the source of truth: its deployment records hold each version's
 * text, origin and time, its removal records the deletions, and they survive restarts. At start the history is
 * seeded with the running rules (some may be known only from the checkpoint or savepoint restored, when retention
 * has deleted the log files that held their deployment), then {@link #load} reads the log's rule changes on a worker
 * (event batches are passed over undecoded) while the server already runs; from then on every change the sequencer
 * publishes is noted ({@link #offer}). A version is one (name, number) pair: numbers only grow per
 * name (a deleted rule deployed again goes on from its last number), so the three sources merge without duplicates,
 * each filling in what the others did not know.
 *
 * <p><b>Bounds.</b> The running version of every rule is always kept (its text is held by the running set anyway).
 * Of versions that ended, at most {@link #VERSIONS_PER_RULE} per name, and at most {@link #BUDGET_BYTES} in all,
 * each counted as its text's length plus {@link #BYTES_PER_VERSION}: beyond either, the versions that ended first go
 * first, and a name left with no version is forgotten (its history answers 404). What goes is counted
 * ({@code vigil_rule_history_forgotten_total}).
 *
 * <p><b>Threads.</b> The sequencer only {@linkplain #offer offers} a change to a lock-free queue and takes no lock
 * here: the change is noted (the replacement verdict computed, the bounds kept) on the {@linkplain #drainOn drain
 * executor}, an event loop of the server, and by any read before it answers, so a read after a change sees it. The
 * loading worker, the drains and the reads hold the monitor for a few map operations each.
 */
public final class RuleHistory {
    private static final Logger LOG = LoggerFactory.getLogger(RuleHistory.class);

    /** Versions that ended kept at most per rule name, besides the running one. */
    public static final int VERSIONS_PER_RULE = 20;
    /** What the versions that ended may take in all: their texts plus {@link #BYTES_PER_VERSION} each. */
    public static final long BUDGET_BYTES = 32L << 20;
    /** What a version costs beside its text. */
    public static final long BYTES_PER_VERSION = 256;

    private final Clock clock;
    private final int versionsPerRule;
    private final long budgetBytes;
    private final Map<String, TreeMap<Integer, RuleVersion>> byName = new HashMap<>();
    /** Versions that ended, in the order they ended (entries already dropped are skipped when met). */
    private final ArrayDeque<RuleVersion> ended = new ArrayDeque<>();
    private long endedBytes;
    private long forgotten;
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    /** Changes offered by the sequencer and not noted yet, in publication order. */
    private final ConcurrentLinkedQueue<Change> offered = new ConcurrentLinkedQueue<>();
    private volatile Executor drains = Runnable::run;

    /** A change as the sequencer published it, {@code atMs} resolved. */
    private record Change(RuleSet previous, RuleSet next, long atMs) {}

    public RuleHistory(Clock clock) {
        this(clock, VERSIONS_PER_RULE, BUDGET_BYTES);
    }

    /** With other bounds (for tests). */
    RuleHistory(Clock clock, int versionsPerRule, long budgetBytes) {
        this.clock = clock;
        this.versionsPerRule = versionsPerRule;
        this.budgetBytes = budgetBytes;
    }

    /**
     * Notes the rules of {@code running} (what the server runs once it has started or recovered): {@code restored}
     * when they came from a checkpoint or savepoint, so they are marked as such unless the log holds their
     * deployment ({@link #load}).
     */
    public synchronized void seed(RuleSet running, boolean restored) {
        for (DeployedRule rule : running.all()) {
            add(new RuleVersion(rule.name(), rule.version(), rule.origin(), rule.source(),
                    rule.deployedAt().toEpochMilli(), restored, null));
        }
    }

    /** Where offered changes are noted (by default on the offering thread). */
    public void drainOn(Executor executor) {
        drains = executor;
    }

    /**
     * By the sequencer, where a change takes effect: queues it (no lock, no verdict computed on its thread) and has
     * the drain executor note it ({@link #changed}).
     */
    public void offer(RuleSet previous, RuleSet next, long changedAtMs) {
        offered.add(new Change(previous, next, changedAtMs > 0 ? changedAtMs : clock.millis()));
        drains.execute(this::drain);
    }

    /** Notes the changes offered so far, in order. */
    private synchronized void drain() {
        for (Change change = offered.poll(); change != null; change = offered.poll()) {
            changed(change.previous(), change.next(), change.atMs());
        }
    }

    /**
     * Notes the change from {@code previous} to {@code next}, published by the sequencer where it takes effect:
     * versions deployed, the versions they replaced (with the policy's verdict), and rules deleted at
     * {@code changedAtMs} (0: now).
     */
    public synchronized void changed(RuleSet previous, RuleSet next, long changedAtMs) {
        for (DeployedRule rule : next.all()) {
            DeployedRule before = previous.get(rule.name());
            if (before != null && before.version() == rule.version()) {
                continue;
            }
            long atMs = rule.deployedAt().toEpochMilli();
            add(new RuleVersion(rule.name(), rule.version(), rule.origin(), rule.source(), atMs, false, null));
            if (before != null) {
                String why = before.rule().droppedOnReplaceBy(rule.rule());
                end(before.name(), before.version(), new RuleVersion.Ended(rule.version(), atMs, why == null, why));
            }
        }
        for (DeployedRule rule : previous.all()) {
            if (next.get(rule.name()) == null) {
                long atMs = changedAtMs > 0 ? changedAtMs : clock.millis();
                end(rule.name(), rule.version(), new RuleVersion.Ended(0, atMs, null, null));
            }
        }
    }

    /**
     * Reads every rule change of {@code log} (on a worker: it reads the whole log) and merges what it finds, each
     * text compiled again under {@code limits} for the replacement policy's verdicts. A damaged log stops the reading
     * where it is damaged (logged); what was read is kept. Then {@link #loaded} is true.
     */
    public void load(IngestLogSnapshot log, CompileLimits limits) {
        try {
            IngestLogSnapshot.Records records = log.ruleChanges();
            Map<String, CompiledRule> current = new HashMap<>();   // the scan's running version per name
            Map<String, Integer> currentVersion = new HashMap<>();
            for (LogRecord record = records.next(); record != null; record = records.next()) {
                if (record instanceof LogRecord.Deploy deploy) {
                    Map<String, CompiledRule> compiled = compile(deploy, limits);
                    for (Map.Entry<String, Integer> named : deploy.versions().entrySet()) {
                        String name = named.getKey();
                        int version = named.getValue();
                        CompiledRule rule = compiled.get(name);
                        CompiledRule before = current.get(name);
                        Integer beforeVersion = currentVersion.get(name);
                        merge(new RuleVersion(name, version, deploy.origin(), deploy.text(), deploy.deployedAtMs(),
                                false, null));
                        if (beforeVersion != null) {
                            String why = before == null || rule == null ? null : before.droppedOnReplaceBy(rule);
                            Boolean kept = before == null || rule == null ? null : why == null;
                            end(name, beforeVersion, new RuleVersion.Ended(version, deploy.deployedAtMs(), kept, why));
                        }
                        current.put(name, rule);
                        currentVersion.put(name, version);
                    }
                } else if (record instanceof LogRecord.Undeploy undeploy) {
                    current.remove(undeploy.name());
                    Integer version = currentVersion.remove(undeploy.name());
                    if (version != null) {
                        end(undeploy.name(), version, new RuleVersion.Ended(0, undeploy.undeployedAtMs(), null, null));
                    }
                }
            }
        } catch (DamagedLogException damaged) {
            LOG.warn("the rules' version history holds what the ingest log held before its damage: {}",
                    damaged.getMessage());
        } finally {
            loaded.complete(null);
        }
    }

    /** Completes once {@link #load} has finished (or there was no log to read: {@link #noLog}). */
    public CompletionStage<Void> loaded() {
        return loaded;
    }

    /** There is no log to read (a server without a data folder): the history starts with the server. */
    public void noLog() {
        loaded.complete(null);
    }

    /** The versions of {@code name} the history keeps, newest first; empty when it knows none. */
    public synchronized List<RuleVersion> versions(String name) {
        drain();
        TreeMap<Integer, RuleVersion> versions = byName.get(name);
        if (versions == null) {
            return List.of();
        }
        return new ArrayList<>(versions.descendingMap().values());
    }

    /** Versions no longer kept because of the bounds, since the server started. */
    public synchronized long forgotten() {
        drain();
        return forgotten;
    }

    public void registerMeters(MeterRegistry registry) {
        FunctionCounter.builder("vigil.rule.history.forgotten", this, RuleHistory::forgotten)
                .description("Rule versions dropped from the version history: more than " + VERSIONS_PER_RULE
                        + " ended versions of one rule, or more than " + (BUDGET_BYTES >> 20) + " MiB of them in all")
                .register(registry);
    }

    /** Each rule of a deployment's text compiled again, by name; empty when the text no longer compiles. */
    private static Map<String, CompiledRule> compile(LogRecord.Deploy deploy, CompileLimits limits) {
        String file = deploy.origin().equals(IngestLog.HTTP) ? RuleRegistry.REQUEST_FILE : deploy.origin();
        CompileResult result = RuleCompiler.compile(file, deploy.text(), limits);
        Map<String, CompiledRule> byRule = new HashMap<>();
        if (result.ok()) {
            result.rules().forEach(rule -> byRule.put(rule.name(), rule));
        }
        return byRule;
    }

    /** Adds {@code version} unless known (then only what it knew better: that the log holds it). */
    private synchronized void merge(RuleVersion version) {
        RuleVersion known = known(version.name(), version.version());
        if (known == null) {
            add(version);
        } else if (known.restored()) {
            byName.get(version.name()).put(version.version(), known.logged());
        }
    }

    private void add(RuleVersion version) {
        TreeMap<Integer, RuleVersion> versions = byName.computeIfAbsent(version.name(), name -> new TreeMap<>());
        if (versions.putIfAbsent(version.version(), version) == null) {
            bound(versions);
        }
    }

    /** Marks version {@code version} of {@code name} ended {@code how}, unless already ended or no longer kept. */
    private synchronized void end(String name, int version, RuleVersion.Ended how) {
        RuleVersion known = known(name, version);
        if (known == null || known.ended() != null) {
            return;
        }
        RuleVersion done = known.ending(how);
        TreeMap<Integer, RuleVersion> versions = byName.get(name);
        versions.put(version, done);
        ended.add(done);
        endedBytes += cost(done);
        bound(versions);
        while (endedBytes > budgetBytes && !ended.isEmpty()) {
            RuleVersion oldest = ended.poll();
            TreeMap<Integer, RuleVersion> of = byName.get(oldest.name());
            drop(of, of.get(oldest.version()));
        }
    }

    /** Drops the oldest versions of one name while it keeps more ended ones than the bound. */
    private void bound(TreeMap<Integer, RuleVersion> versions) {
        int endedCount = 0;
        for (RuleVersion version : versions.values()) {
            endedCount += version.ended() == null ? 0 : 1;
        }
        while (endedCount > versionsPerRule) {
            RuleVersion oldest = null;
            for (RuleVersion version : versions.values()) {
                if (version.ended() != null) {
                    oldest = version;
                    break;
                }
            }
            drop(versions, oldest);
            endedCount--;
        }
    }

    /** Forgets an ended version: from its name's versions and from the queue of ended versions. */
    private void drop(TreeMap<Integer, RuleVersion> versions, RuleVersion version) {
        versions.remove(version.version());
        ended.removeIf(other -> other.version() == version.version() && other.name().equals(version.name()));
        endedBytes -= cost(version);
        forgotten++;
        if (versions.isEmpty()) {
            byName.remove(version.name());
        }
    }

    private RuleVersion known(String name, int version) {
        TreeMap<Integer, RuleVersion> versions = byName.get(name);
        return versions == null ? null : versions.get(version);
    }

    private static long cost(RuleVersion version) {
        return version.text().length() + BYTES_PER_VERSION;
    }
}
