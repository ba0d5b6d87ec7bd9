package dev.vigil.server;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.RuleReset;
import dev.vigil.server.checkpoint.Checkpoint;
import dev.vigil.server.checkpoint.CheckpointStore;
import dev.vigil.server.checkpoint.Checkpointer;
import dev.vigil.server.checkpoint.LoggedRules;
import dev.vigil.server.checkpoint.ParallelRestore;
import dev.vigil.server.checkpoint.Restart;
import dev.vigil.server.checkpoint.UnreadableCheckpointException;
import dev.vigil.server.config.InvalidConfigException;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.http.ServerVerticle;
import dev.vigil.server.log.AlertLog;
import dev.vigil.server.log.ChronicleAlertLog;
import dev.vigil.server.log.ChronicleIngestLog;
import dev.vigil.server.log.DataFolderLock;
import dev.vigil.server.log.DiskReserve;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.log.MemoryAlertLog;
import dev.vigil.server.log.MemoryIngestLog;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleDirectory;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleReloader;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.server.rules.SinkCatalog;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.server.sequencer.MemoryGuard;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.server.shard.AlertSink;
import dev.vigil.server.shard.Shard;
import dev.vigil.server.source.EventSocket;
import dev.vigil.server.source.EventsApi;
import dev.vigil.server.source.KafkaSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running rules server: loads the rules folder, starts the engine shards and the HTTP/WebSocket verticle. The
 * entry point for {@code vigil serve} and for tests.
 *
 * <pre>{@code
 * VigilServer server = VigilServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rulesDir))
 *         .toCompletionStage().toCompletableFuture().get();
 * int port = server.port();
 * server.close();
 * }</pre>
 *
 * <p><b>Thread-safe.</b>
 */
public final class VigilServer {
    private static final Logger LOG = LoggerFactory.getLogger(VigilServer.class);

    private final Vertx vertx;
    private final ServerVerticle verticle;
    private final String deploymentId;
    private final int rulesLoaded;
    private final String rulesSummary;

    private VigilServer(Vertx vertx, ServerVerticle verticle, String deploymentId, int rulesLoaded,
            String rulesSummary) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.deploymentId = deploymentId;
        this.rulesLoaded = rulesLoaded;
        this.rulesSummary = rulesSummary;
    }

    /** Loads the rules (on a worker), then listens; fails when the address cannot be bound. */
    public static Future<VigilServer> start(Vertx vertx, ServerConfig config) {
        return start(vertx, config, DiskReserve.FreeSpace.FILE_SYSTEM);
    }

    /** As {@link #start(Vertx, ServerConfig)}, reading the data folder's free space with {@code disk}. */
    static Future<VigilServer> start(Vertx vertx, ServerConfig config, DiskReserve.FreeSpace disk) {
        return start(vertx, config, disk, MemoryGuard.jvm());
    }

    /** As {@link #start(Vertx, ServerConfig)}, reading the heap for the memory guard with {@code heap}. */
    static Future<VigilServer> start(Vertx vertx, ServerConfig config, MemoryGuard.Heap heap) {
        return start(vertx, config, DiskReserve.FreeSpace.FILE_SYSTEM, heap);
    }

    /**
     * The composition, top to bottom: on a worker, the data folder, the logs, the restart point and the rules folder
     * ({@link Opened#open}); then, on the event loop, the rules registry, the sequencer and its shards, the sources,
     * and the verticle that holds the alert fan-out and the HTTP routes ({@link #deploy}). A start that fails leaves
     * no log open.
     */
    private static Future<VigilServer> start(Vertx vertx, ServerConfig config, DiskReserve.FreeSpace disk,
            MemoryGuard.Heap heap) {
        Clock clock = Clock.systemUTC();   // the one wall clock, handed to every stage that reads the time
        long startedNanos = System.nanoTime();
        return vertx.executeBlocking(() -> Opened.open(config, disk, clock))
                .compose(opened -> deploy(vertx, config, opened, heap, clock, startedNanos)
                        .recover(failed -> vertx.executeBlocking(() -> {
                            opened.close();   // no log left open (and no file mapped)
                            return null;
                        }).transform(closed -> Future.failedFuture(failed))));
    }

    /**
     * What a start opens before anything runs: the data folder's lock, both logs, the checkpoint store and the point
     * to restart from (a checkpoint or savepoint; null for a first start, or without a data folder), and the rules
     * folder as loaded. Lock, store and restart are null with durability none.
     */
    private record Opened(DataFolderLock lock, AlertLog alertLog, IngestLog ingestLog, CheckpointStore store,
            Restart restart, RuleDirectory rules) {
        /** Opens them in order; whatever was opened is closed again when a later step fails. */
        static Opened open(ServerConfig config, DiskReserve.FreeSpace disk, Clock clock)
                throws Exception {
            createDataDir(config.dataDir());
            // durability none: the data folder still holds relative file sinks, but no log, checkpoint or savepoint
            Path logs = config.durability().logs() ? config.dataDir() : null;
            DataFolderLock lock = null;
            AlertLog alertLog = null;
            IngestLog ingestLog = null;
            try {
                lock = logs == null ? null : DataFolderLock.take(logs);
                alertLog = openAlertLog(logs);
                ingestLog = logs == null ? new MemoryIngestLog()
                        : ChronicleIngestLog.open(logs.resolve(ChronicleIngestLog.FOLDER),
                                config.durability().ackAfter(),
                                DiskReserve.watch(logs, config.durability().minFreeDiskMb(), disk))
                                .retainWith(config.logRetention());
                CheckpointStore store = null;
                Restart restart = null;
                if (logs != null) {
                    store = CheckpointStore.open(logs);
                    restart = restartPoint(store, config.fromSavepoint(), config.ruleWork().compile());
                } else if (config.fromSavepoint() != null) {
                    throw new InvalidConfigException("--from-savepoint needs a data folder and durability log");
                }
                RuleDirectory rules = RuleDirectory.load(config.rulesDir(), clock.instant(), SinkCatalog.of(config),
                        config.ruleWork().compile());
                if (rules.rules().size() > config.maxRules()) {
                    throw new InvalidConfigException("the rules folder " + config.rulesDir() + " holds "
                            + rules.rules().size() + " rules, over the limit of " + config.maxRules() + " (maxRules)");
                }
                return new Opened(lock, alertLog, ingestLog, store, restart, rules);
            } catch (Exception failed) {
                closeQuietly(ingestLog);
                closeQuietly(alertLog);
                closeQuietly(lock);
                throw failed;
            }
        }

        /** A first start has an empty ingest log and no checkpoint; otherwise the log is replayed. */
        boolean recovering() {
            return ingestLog.lastPosition() > 0 || restart != null;
        }

        void close() {
            closeQuietly(ingestLog);
            closeQuietly(alertLog);
            closeQuietly(lock);
        }
    }

    /**
     * Wires the stages over what was opened and deploys the verticle: the running rules (the folder's on a first
     * start; a checkpoint's, or none, when recovering: the replay of the log changes them), the shards and their
     * sequencer once the verticle's context exists (alerts are delivered there), the sources' routes, and what the
     * verticle starts from.
     */
    private static Future<VigilServer> deploy(Vertx vertx, ServerConfig config, Opened opened,
            MemoryGuard.Heap heap, Clock clock, long startedNanos) {
        boolean recovering = opened.recovering();
        Restart restart = opened.restart();
        RuleSet initial = !recovering ? opened.rules().rules()
                : restart == null ? RuleSet.empty() : restart.rules().over(RuleSet.empty(), restart.checkpoint().rules());
        if (!recovering) {
            logInitialRules(opened.ingestLog(), opened.rules());
        }
        RuleRegistry registry = new RuleRegistry(initial);
        ServerVerticle.IngestFactory sequencer = alerts -> {
            Ingest ingest = ingest(config, opened.ingestLog(), registry, restart, alerts);
            return new SequencerProxy(ingest, System::nanoTime,
                    SequencerProxy.idleCheckNanos(config.sourceIdleTimeoutMs()));
        };
        ServerVerticle.SourceFactory sources = (loop, ingest, malformed, meters) -> {
            EventsApi post = new EventsApi(loop, registry, ingest, malformed);
            post.limitBatch(config.maxEventsPerBatch());
            EventSocket socket = new EventSocket(loop, registry, ingest, config.frameLimitBytes(), malformed,
                    config.maxEventsPerBatch());
            List<ServerVerticle.Reading> reading = new ArrayList<>();
            if (!config.kafka().source().topics().isEmpty()) {
                reading.add(new KafkaSource(config.kafka(), ingest, registry, loop.getOrCreateContext(), meters));
            }
            return new ServerVerticle.SourceRoutes(post::post, socket::connect, reading);
        };
        // recovering: rules and state from the checkpoint and the log after it
        ServerVerticle.Start from = new ServerVerticle.Start(opened.rules().files(),
                recovering ? opened.ingestLog() : null, opened.restart(), opened.store(), heap, startedNanos,
                opened.lock());
        ServerVerticle verticle = new ServerVerticle(config, registry, opened.alertLog(), sequencer, sources, from,
                clock);
        // once deployed, recovery has replayed the log: the registry holds the rules that run, wherever they came from
        return vertx.deployVerticle(verticle).map(id -> new VigilServer(vertx, verticle, id,
                registry.current().size(), rulesSummary(registry.current(), recovering, restart, config.rulesDir())));
    }

    /**
     * How many rules run and where they came from, for the start banner: "10 rule(s) running (8 from rule files, 2
     * posted over HTTP), recovered from checkpoint 4 and the ingest log".
     */
    static String rulesSummary(RuleSet running, boolean recovering, Restart restart, Path rulesDir) {
        int posted = 0;
        for (DeployedRule rule : running.all()) {
            if (rule.origin().equals(IngestLog.HTTP)) {
                posted++;
            }
        }
        int fromFiles = running.size() - posted;
        List<String> origins = new ArrayList<>();
        if (fromFiles > 0) {
            origins.add(fromFiles + " from rule files" + (rulesDir == null || recovering ? "" : " in " + rulesDir));
        }
        if (posted > 0) {
            origins.add(posted + " posted over HTTP");
        }
        String summary = running.size() + " rule(s) running" + (origins.isEmpty() ? ""
                : " (" + String.join(", ", origins) + ")");
        if (recovering) {
            Checkpoint cut = restart == null ? null : restart.checkpoint();
            summary += ", recovered from " + (cut == null ? "" : cut.name() == null ? "checkpoint " + cut.id() + " and "
                    : "savepoint '" + cut.name() + "' and ") + "the ingest log";
        } else if (running.size() == 0) {
            summary += rulesDir == null ? "; no rules folder" : "; the rules folder " + rulesDir + " holds none";
        }
        return summary;
    }

    private static void closeQuietly(AutoCloseable log) {
        if (log == null) {
            return;
        }
        try {
            log.close();
        } catch (Exception alreadyFailing) {
            // the start failed for another reason, which is the one to report
        }
    }

    /**
     * The savepoint asked for, else the newest checkpoint that reads back whole (damaged newer ones are reported),
     * with its rules compiled again; null when there is none.
     */
    private static Restart restartPoint(CheckpointStore store, String savepoint, CompileLimits limits)
            throws IOException, InvalidConfigException {
        Checkpoint cut;
        if (savepoint != null) {
            try {
                cut = store.readSavepoint(savepoint);
            } catch (UnreadableCheckpointException | NoSuchFileException unusable) {
                throw new InvalidConfigException("cannot start from savepoint '" + savepoint + "': "
                        + unusable.getMessage());
            }
        } else {
            cut = store.latestCheckpoint(skipped -> LOG.warn("not using a checkpoint: {}", skipped)).orElse(null);
        }
        if (cut == null) {
            return null;
        }
        LoggedRules rules = LoggedRules.compile(cut.rules(), limits);
        for (String problem : rules.problems()) {
            LOG.warn("restoring {}: {}", savepoint != null ? "savepoint '" + savepoint + "'" : "checkpoint " + cut.id(),
                    problem);
        }
        // A checkpoint's shards may have left their keys in RocksDB's checkpoints beside it; a savepoint holds them.
        return new Restart(cut, rules, cut.name() == null ? store.storeCheckpoints(cut.id()) : null);
    }

    /** The rules deployed from the folder at a first start go in the ingest log like every later change. */
    private static void logInitialRules(IngestLog log, RuleDirectory directory) {
        for (Map.Entry<Path, RuleReloader.WatchedFile> file : directory.files().entrySet()) {
            Map<String, Integer> versions = new LinkedHashMap<>();
            Instant deployedAt = Instant.EPOCH;
            for (String name : file.getValue().rules()) {
                DeployedRule rule = directory.rules().get(name);
                versions.put(name, rule.version());
                deployedAt = rule.deployedAt();
            }
            if (!versions.isEmpty()) {
                log.appendDeploy(file.getKey().toString(), file.getValue().text(), versions,
                        deployedAt.toEpochMilli(), List.of());
            }
        }
    }

    /**
     * The shards and their door: fresh, with the initial rules, or restored from {@code restart} (the checkpoint's
     * shard count wins: each shard's state holds the keys of its slice).
     */
    private static Ingest ingest(ServerConfig config, IngestLog log, RuleRegistry registry, Restart restart,
            AlertSink alerts) {
        int count = restart == null ? config.shards() : restart.checkpoint().shards().size();
        if (count != config.shards()) {
            LOG.warn("running {} shards, as many as checkpoint {} holds (shards is set to {})", count,
                    restart.checkpoint().id(), config.shards());
        }
        List<CompiledRule> rules = registry.current().compiled();
        long stuckNanos = TimeUnit.MILLISECONDS.toNanos(config.work().stuckShardMs());
        List<Shard> shards;
        if (restart == null) {
            shards = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                EngineConfig engine = engineConfig(config, i, count);
                shards.add(new Shard(i, config.queueCapacity(), listener -> new Engine(rules, engine, listener),
                        alerts, System::nanoTime, stuckNanos));
            }
        } else {
            // Each shard's state decodes on its own: as many at once as there are cores (measured: about 1 s of CPU
            // per 500,000 keys held, so a million keys over two shards restore in half the time on 2 cores).
            shards = ParallelRestore.build(count, i -> {
                byte[] state = restart.checkpoint().shards().get(i);
                boolean report = i == 0;   // every shard holds every rule: say what was reset once
                EngineConfig engine = engineConfig(config, i, count);
                Path storeCheckpoint = restart.storeOf(i);
                return new Shard(i, config.queueCapacity(),
                        listener -> restoredEngine(rules, engine, listener, state, storeCheckpoint, report), alerts,
                        System::nanoTime, stuckNanos);
            });
        }
        Ingest ingest = new Ingest(shards, log, registry, config.watermarkDelayMs(),
                TimeUnit.MILLISECONDS.toNanos(config.sourceIdleTimeoutMs()), System::nanoTime,
                config.memory().maxProducers());
        if (restart != null) {
            Checkpoint cut = restart.checkpoint();
            ingest.restore(cut.sequence(), cut.watermarks(), cut.producers());
        }
        return ingest;
    }

    /**
     * Shard {@code shard}'s engine settings: its share of the key bounds; RocksDB state goes to
     * {@code <data>/state/shard-N}.
     */
    private static EngineConfig engineConfig(ServerConfig config, int shard, int count) {
        EngineConfig engine = Shard.engineConfig(new KeySlice(shard, count))
                .withMaxWorkPerEvent(config.work().maxWorkPerEvent())
                .withKeyBounds(config.memory().keyBoundsPerShard(count));
        if (config.stateBackend() != ServerConfig.StateBackend.ROCKSDB) {
            return engine;
        }
        if (config.dataDir() == null) {
            throw new IllegalArgumentException("stateBackend rocksdb needs a data folder");
        }
        return engine.withRocksDbState(config.dataDir().resolve("state").resolve("shard-" + shard));
    }

    /**
     * An engine with a checkpoint's state (its keys in {@code storeCheckpoint} when the state says so: RocksDB's
     * checkpoint, linked into the shard's state folder); rules whose shape changed start empty, logged when
     * {@code report}.
     */
    private static Engine restoredEngine(List<CompiledRule> rules, EngineConfig config, EngineListener listener,
            byte[] state, Path storeCheckpoint, boolean report) {
        try {
            Engine.Restored restored = Engine.restore(rules, config, listener,
                    new DataInputStream(new ByteArrayInputStream(state)), storeCheckpoint);
            if (report) {
                for (RuleReset reset : restored.reset()) {
                    LOG.warn("rule '{}' starts with no state: {}", reset.rule(), reset.reason());
                }
            }
            return restored.engine();
        } catch (IOException unreadable) {
            throw new UncheckedIOException("a shard's checkpointed state cannot be read: " + unreadable.getMessage(),
                    unreadable);
        }
    }

    /** The alert log: in the data folder ({@code alerts/}) when there is one, so history survives a restart. */
    private static AlertLog openAlertLog(Path dataDir) {
        if (dataDir == null) {
            return new MemoryAlertLog(MemoryAlertLog.DEFAULT_CAPACITY);
        }
        return ChronicleAlertLog.open(dataDir.resolve("alerts"), MemoryAlertLog.DEFAULT_CAPACITY);
    }

    /** Creates the data folder when missing. */
    private static void createDataDir(Path dataDir) throws IOException {
        if (dataDir == null) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new IOException("cannot create data folder " + dataDir + ": " + e, e);
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return verticle.actualPort();
    }

    /** The rules running once the server listens: the rules folder's, or, after a restart, those recovered. */
    public int rulesLoaded() {
        return rulesLoaded;
    }

    /** How many rules ran when the server started listening and where they came from, in words. */
    public String rulesSummary() {
        return rulesSummary;
    }

    /** The shards and their door, for tests in this package. */
    SequencerProxy ingest() {
        return verticle.ingest();
    }

    /** The checkpointer (null without a data folder), for tests in this package. */
    Checkpointer checkpointer() {
        return verticle.checkpointer();
    }

    /** The HTTP routes, for tests in this package. */
    List<Route> routes() {
        return verticle.routes();
    }

    /** Stops listening, then stops the shards after the commands it already holds. */
    public Future<Void> close() {
        return vertx.undeploy(deploymentId);
    }
}
