package dev.vigil.server;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.KeySlice;
import dev.vigil.server.durable.ChronicleIngestLog;
import dev.vigil.server.durable.DiskReserve;
import dev.vigil.server.ingest.IngestLog;
import dev.vigil.server.ingest.MemoryIngestLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import io.vertx.ext.web.Route;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running rules server: loads the rules folder, starts the engine shards and the HTTP/WebSocket verticle. The
 * entry point for {@code vigil serve} and for tests.
 *
 * <pre>{@code
 * VigilServer server = VigilServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rulesDir), err)
 *         .toCompletionStage().toCompletableFuture().get();
 * int port = server.port();
 * server.close();
 * }</pre>
 *
 * <p><b>Thread-safe.</b>
 */
public final class VigilServer {
    private final Vertx vertx;
    private final ServerVerticle verticle;
    private final String deploymentId;
    private final int rulesLoaded;

    private VigilServer(Vertx vertx, ServerVerticle verticle, String deploymentId, int rulesLoaded) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.deploymentId = deploymentId;
        this.rulesLoaded = rulesLoaded;
    }

    /** Loads the rules (on a worker), then listens; fails when the address cannot be bound. */
    public static Future<VigilServer> start(Vertx vertx, ServerConfig config, PrintWriter err) {
        return start(vertx, config, err, DiskReserve.FreeSpace.FILE_SYSTEM);
    }

    /** As {@link #start(Vertx, ServerConfig, PrintWriter)}, reading the data folder's free space with {@code disk}. */
    static Future<VigilServer> start(Vertx vertx, ServerConfig config, PrintWriter err, DiskReserve.FreeSpace disk) {
        AlertLog[] alertLog = new AlertLog[1];
        IngestLog[] ingestLog = new IngestLog[1];
        // durability none: the data folder still holds relative file sinks, but no log
        Path logs = config.durability().logs() ? config.dataDir() : null;
        return vertx.executeBlocking(() -> {
                    createDataDir(config.dataDir());
                    alertLog[0] = openAlertLog(logs);
                    ingestLog[0] = logs == null ? new MemoryIngestLog()
                            : ChronicleIngestLog.open(logs.resolve("ingest"), config.durability().ackAfter(),
                                    DiskReserve.watch(logs, config.durability().minFreeDiskMb(), disk, err), err);
                    return RuleDirectory.load(config.rulesDir(), err, Instant.now(), SinkCatalog.of(config));
                })
                .compose(directory -> {
                    if (directory.rules().size() > config.maxRules()) {
                        return Future.failedFuture(new InvalidConfigException("the rules folder " + config.rulesDir()
                                + " holds " + directory.rules().size() + " rules, over the limit of "
                                + config.maxRules() + " (maxRules)"));
                    }
                    RuleRegistry registry = new RuleRegistry();
                    List<CompiledRule> initial = new ArrayList<>();
                    boolean recovering = ingestLog[0].lastPosition() > 0;
                    if (!recovering) {
                        registry.declare(directory.streams());
                        for (DeployedRule rule : directory.rules()) {
                            registry.put(rule);
                            initial.add(rule.rule());
                        }
                        logInitialRules(ingestLog[0], directory, registry);
                    }
                    ServerVerticle verticle = new ServerVerticle(config, registry, alertLog[0],
                            alerts -> ingest(config, ingestLog[0], initial, alerts, err), err);
                    if (recovering) {
                        verticle.recoverFrom((ChronicleIngestLog) ingestLog[0]);   // rules and state from the log
                    } else {
                        verticle.watchRules(directory.files());
                    }
                    return vertx.deployVerticle(verticle)
                            .map(id -> new VigilServer(vertx, verticle, id, initial.size()));
                });
    }

    /**
     * The shards, each owning one slice of the keys and running on explicit watermarks from the ingest, which
     * numbers, routes and times every event.
     */
    /** The rules deployed from the folder at a first start go in the ingest log like every later change. */
    private static void logInitialRules(IngestLog log, RuleDirectory directory, RuleRegistry registry) {
        for (Map.Entry<Path, RuleReloader.WatchedFile> file : directory.files().entrySet()) {
            Map<String, Integer> versions = new LinkedHashMap<>();
            Instant deployedAt = Instant.EPOCH;
            for (String name : file.getValue().rules()) {
                DeployedRule rule = registry.get(name);
                versions.put(name, rule.version());
                deployedAt = rule.deployedAt();
            }
            if (!versions.isEmpty()) {
                log.appendDeploy(file.getKey().toString(), file.getValue().text(), versions,
                        deployedAt.toEpochMilli(), List.of());
            }
        }
    }

    private static Ingest ingest(ServerConfig config, IngestLog log, List<CompiledRule> initial, AlertSink alerts,
            PrintWriter err) {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < config.shards(); i++) {
            EngineConfig engine = EngineConfig.defaults().withWatermarksFromInputOnly(true)
                    .withSlice(new KeySlice(i, config.shards()));
            shards.add(new Shard(i, config.queueCapacity(), initial, engine, alerts, err));
        }
        return new Ingest(shards, log, initial, config.watermarkDelayMs(),
                TimeUnit.MILLISECONDS.toNanos(config.sourceIdleTimeoutMs()), System::nanoTime);
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

    public int rulesLoaded() {
        return rulesLoaded;
    }

    /** The shards and their door, for tests in this package. */
    Ingest ingest() {
        return verticle.ingest();
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
