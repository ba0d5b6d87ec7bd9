package dev.vigil.server.rules;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.RuleParser;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.metrics.RuleWorkMeters;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the running rules in step with the rules folder: every {@link #INTERVAL_MS} a worker rereads the folder's
 * {@code *.cep} files and compiles those whose text changed; back on the event loop a changed file's rules are
 * deployed as new versions (the same path as {@code PUT /v1/rules/{name}}), rules the file no longer declares and
 * the rules of deleted files are undeployed, and new files are deployed. A file that does not compile, or whose
 * tests do not pass ({@link RuleTestGate}), is reported with its diagnostics (once per change of its text) and its
 * previous rules keep running; a file never stops the others from being read and deployed. Files compile under the server's compile limits.
 *
 * <p>A periodic scan, not a {@code WatchService}: it needs no thread of its own, sees changes on every file system
 * (a WatchService misses some, e.g. on network mounts or through symbolic links) and compares text, not modification
 * times, so an edit within the same clock tick is not missed. A file owns the rule names it deployed; a name
 * already deployed by another file or over HTTP is reported and skipped. When a shard's queue is full the change
 * is retried on the next scan.
 *
 * <p><b>Threading:</b> confined to the server's event loop, except {@link #changes}, which runs on a worker.
 */
public final class RuleReloader {
    private static final Logger LOG = LoggerFactory.getLogger(RuleReloader.class);

    static final long INTERVAL_MS = 1_000;

    /** What the reloader knows of a file: the text it last saw and the rules deployed from it. */
    public record WatchedFile(String text, List<String> rules) {
        public WatchedFile {
            rules = List.copyOf(rules);
        }
    }

    /** A difference between the folder and what was last seen. */
    sealed interface FileChange {
        Path file();
    }

    /** A file whose text changed, compiled against {@code known}, the declarations its rules did not hold. */
    record Changed(Path file, String text, CompileResult result, List<StreamDecl> known) implements FileChange {}

    record Removed(Path file) implements FileChange {}

    /** Who changes rules, for the audit trail. */
    private static final String FOLDER = "the rules folder,";

    private final Vertx vertx;
    private final Path folder;
    private final RuleRegistry registry;
    private final RuleChanges ingest;
    private final Clock clock;
    private final Map<Path, WatchedFile> files;
    private int maxRules = ServerConfig.DEFAULT_MAX_RULES;
    private CompileLimits limits = CompileLimits.DEFAULTS;
    private RuleWorkMeters meters;
    private final SinkCatalog sinks;
    private long timerId = -1;
    private boolean scanning;
    private boolean stopped;

    public RuleReloader(Vertx vertx, Path folder, RuleRegistry registry, RuleChanges ingest, Clock clock,
            Map<Path, WatchedFile> loaded, SinkCatalog sinks) {
        this.vertx = vertx;
        this.folder = folder;
        this.registry = registry;
        this.ingest = ingest;
        this.clock = clock;
        this.files = new HashMap<>(loaded);
        this.sinks = sinks;
    }

    /** Sets how many rules the server runs at most; a file whose new rules would exceed it is not deployed. */
    public RuleReloader limitRules(int max) {
        maxRules = max;
        return this;
    }

    /** Compiles files under {@code compileLimits}, counting refusals in {@code counted} (null: not counted). */
    public RuleReloader compileWith(CompileLimits compileLimits, RuleWorkMeters counted) {
        limits = compileLimits;
        meters = counted;
        return this;
    }

    /** Starts scanning; call on the server's event loop. */
    public RuleReloader start() {
        timerId = vertx.setPeriodic(INTERVAL_MS, id -> scan());
        return this;
    }

    public void stop() {
        stopped = true;
        vertx.cancelTimer(timerId);
    }

    private void scan() {
        if (scanning || stopped) {
            return;
        }
        scanning = true;
        Map<Path, String> seen = new HashMap<>();
        Map<Path, List<String>> owned = new HashMap<>();
        files.forEach((file, watched) -> {
            seen.put(file, watched.text());
            owned.put(file, watched.rules());
        });
        CompileLimits compileLimits = limits;
        RuleSet running = registry.current();
        Function<Path, List<StreamDecl>> known = file -> running.declarations(owned.getOrDefault(file, List.of()));
        vertx.executeBlocking(() -> changes(folder, seen, compileLimits, known), false).onComplete(done -> {
            if (done.failed()) {
                scanning = false;
                LOG.warn("cannot scan rules folder {}: {}", folder, done.cause().getMessage());
                return;
            }
            // scanning until the changes are applied: the next scan compares with what they leave
            applyAll(done.result()).onComplete(applied -> scanning = false);
        });
    }

    /**
     * Applies {@code changes} one after the other as one rule change ({@link RuleRegistry#change}); when too many
     * rule changes wait, none, and the next scan finds these files changed again.
     */
    private Future<Void> applyAll(List<FileChange> changes) {
        if (stopped || changes.isEmpty()) {
            return Future.succeededFuture();
        }
        Promise<Void> applied = Promise.promise();
        if (!registry.change(() -> applyInOrder(changes, 0).onComplete(applied))) {
            applied.complete();
        }
        return applied.future();
    }

    /**
     * The files under {@code folder} whose text differs from {@code seen} (compiled, each checked against the
     * declarations {@code known} gives for it), and the vanished ones.
     */
    static List<FileChange> changes(Path folder, Map<Path, String> seen, CompileLimits limits,
            Function<Path, List<StreamDecl>> known) throws IOException {
        List<Path> present = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> walk = Files.walk(folder)) {
                walk.filter(file -> RuleParser.isRuleFile(file.getFileName().toString()) && Files.isRegularFile(file))
                        .sorted().forEach(present::add);
            }
        }
        List<FileChange> changes = new ArrayList<>();
        for (Path file : present) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException unreadable) {
                continue; // being replaced, or not text: the next scan sees how it ends up
            }
            if (!text.equals(seen.get(file))) {
                List<StreamDecl> declarations = known.apply(file);
                changes.add(new Changed(file, text, RuleTestGate.check(file.toString(), text,
                        RuleCompiler.compile(file.toString(), text, limits, declarations)), declarations));
            }
        }
        Set<Path> still = new HashSet<>(present);
        for (Path file : seen.keySet()) {
            if (!still.contains(file)) {
                changes.add(new Removed(file));
            }
        }
        return changes;
    }

    /** Applies {@code changes} from {@code index} on, each once the one before it is done. */
    private Future<Void> applyInOrder(List<FileChange> changes, int index) {
        if (index == changes.size() || stopped) {
            return Future.succeededFuture();
        }
        return apply(changes.get(index)).compose(applied -> applyInOrder(changes, index + 1));
    }

    private Future<Void> apply(FileChange change) {
        WatchedFile old = files.getOrDefault(change.file(), new WatchedFile(null, List.of()));
        if (change instanceof Removed) {
            return undeploy(old.rules()).map(kept -> {
                if (kept.isEmpty()) {
                    files.remove(change.file());
                } else {
                    files.put(change.file(), new WatchedFile(null, kept));
                }
                LOG.info("{} was removed; undeployed {}", change.file(), describe(old.rules()));
                RuleAudit.undeployed(old.rules(), FOLDER + " " + change.file() + " removed");
                return null;
            });
        }
        Changed changed = (Changed) change;
        if (!registry.current().declarations(old.rules()).equals(changed.known())) {
            // a declaration came or went while the file compiled: check it again against those in force now
            files.put(changed.file(), new WatchedFile(null, old.rules()));
            return Future.succeededFuture();
        }
        if (meters != null) {
            meters.compiled(changed.result());
        }
        CompileResult result = sinks.check(changed.file().toString(), changed.text(), changed.result());
        if (!result.ok()) {
            LOG.warn("{} {}; {}:\n{}", changed.file(), RuleTestGate.why(result),
                    old.rules().isEmpty() ? "nothing deployed" : "its previous rules keep running",
                    Diagnostic.renderAll(result.diagnostics()));
            files.put(changed.file(), new WatchedFile(changed.text(), old.rules()));
            return Future.succeededFuture();
        }
        if (result.rules().isEmpty() && !result.streams().isEmpty()) {
            LOG.warn("{} {}", changed.file(), RuleDirectory.DECLARES_NOTHING);
        }
        RuleSet running = registry.current();
        List<CompiledRule> deploy = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (CompiledRule rule : result.rules()) {
            boolean takenElsewhere = running.get(rule.name()) != null && !old.rules().contains(rule.name());
            if (takenElsewhere || !names.add(rule.name())) {
                LOG.warn("{}: rule '{}' is already deployed by another file or over HTTP; skipped", changed.file(),
                        rule.name());
                continue;
            }
            deploy.add(rule.withVersion(running.nextVersion(rule.name())));
        }
        Set<String> replacing = new HashSet<>(old.rules());
        replacing.addAll(names);
        List<StreamConflict> conflicts = running.conflicts(result.streams(), replacing);
        if (!conflicts.isEmpty()) {
            List<Diagnostic> said = new ArrayList<>();
            for (StreamConflict conflict : conflicts) {
                said.add(conflict.diagnostic(changed.file().toString(), changed.text()));
            }
            LOG.warn("{} declares a stream differently from running rules; {}:\n{}", changed.file(),
                    old.rules().isEmpty() ? "nothing deployed" : "its previous rules keep running",
                    Diagnostic.renderAll(said));
            files.put(changed.file(), new WatchedFile(changed.text(), old.rules()));
            return Future.succeededFuture();
        }
        int after = running.size();   // rules running once this file's change is applied
        for (CompiledRule rule : deploy) {
            after += running.get(rule.name()) == null ? 1 : 0;
        }
        for (String name : old.rules()) {
            after -= !names.contains(name) && running.get(name) != null ? 1 : 0;   // undeployed with the change
        }
        if (after > maxRules) {
            LOG.warn("{}: deploying it would run {} rules, over the limit of {} (maxRules); {}", changed.file(),
                    after, maxRules, old.rules().isEmpty() ? "nothing deployed" : "its previous rules keep running");
            files.put(changed.file(), new WatchedFile(changed.text(), old.rules()));
            return Future.succeededFuture();
        }
        java.time.Instant now = clock.instant();
        String origin = changed.file().toString();
        List<DeployedRule> deployed = new ArrayList<>();
        for (CompiledRule rule : deploy) {
            deployed.add(new DeployedRule(rule, origin, changed.text(), now));
        }
        RuleSet next = running.deploy(new RuleSet.Declarations(result.streams(), new ArrayList<>(names), origin),
                deployed);
        Future<String> done = deploy.isEmpty() ? Future.succeededFuture() : ingest.deploy(next, deployed);
        return done.compose(refused -> {
            if (refused != null) {
                LOG.warn("{}: {}; retrying on the next scan", changed.file(), refused);
                return Future.succeededFuture();
            }
            List<String> dropped = new ArrayList<>(old.rules());
            dropped.removeAll(names);
            return undeploy(dropped).map(kept -> {
                List<String> owned = new ArrayList<>(names);
                owned.addAll(kept);
                files.put(changed.file(), new WatchedFile(changed.text(), owned));
                StringBuilder report = new StringBuilder("reloaded " + changed.file() + ":");
                for (CompiledRule rule : deploy) {
                    report.append(" deployed ").append(rule.name()).append(" version ").append(rule.version())
                            .append(';');
                }
                if (!dropped.isEmpty()) {
                    report.append(" undeployed ").append(describe(dropped));
                }
                LOG.info(report.toString());
                for (CompiledRule rule : deploy) {
                    RuleAudit.deployed(rule.name(), rule.version(), FOLDER + " " + changed.file());
                }
                RuleAudit.undeployed(dropped, FOLDER + " " + changed.file());
                RuleSet deployedSet = registry.current();
                for (CompiledRule rule : deploy) {
                    for (String warning : RuleWarnings.of(rule.source(), stream -> deployedSet.declaration(stream) != null,
                            registry.seen())) {
                        LOG.warn("rule '{}' version {}: warning: {}", rule.name(), rule.version(), warning);
                    }
                }
                return null;
            });
        });
    }

    /** Undeploys the rules still deployed, one after the other; completes with those the busy shards kept. */
    private Future<List<String>> undeploy(List<String> names) {
        Future<List<String>> kept = Future.succeededFuture(new ArrayList<>());
        for (String name : names) {
            kept = kept.compose(keeping -> {
                RuleSet running = registry.current();
                if (running.get(name) == null) {
                    return Future.succeededFuture(keeping);
                }
                return ingest.undeploy(running.undeploy(name), name).map(refused -> {
                    if (refused != null) {
                        LOG.warn("{}; rule '{}' stays deployed", refused, name);
                        keeping.add(name);
                    }
                    return keeping;
                });
            });
        }
        return kept;
    }

    private static String describe(List<String> names) {
        return names.isEmpty() ? "no rules" : String.join(", ", names);
    }
}
