package dev.vigil.server;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import io.vertx.ext.web.Route;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A running rules server: loads the rules folder, starts the engine shard and the HTTP/WebSocket verticle. The
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
        return vertx.executeBlocking(() -> {
                    createDataDir(config.dataDir());
                    return RuleDirectory.load(config.rulesDir(), err, Instant.now(), SinkCatalog.of(config));
                })
                .compose(directory -> {
                    RuleRegistry registry = new RuleRegistry();
                    registry.declare(directory.streams());
                    List<CompiledRule> initial = new ArrayList<>();
                    for (DeployedRule rule : directory.rules()) {
                        registry.put(rule);
                        initial.add(rule.rule());
                    }
                    ServerVerticle verticle = new ServerVerticle(config, registry,
                            alerts -> new Shard(0, config.queueCapacity(), initial, EngineConfig.defaults(), alerts,
                                    err),
                            err);
                    verticle.watchRules(directory.files());
                    return vertx.deployVerticle(verticle)
                            .map(id -> new VigilServer(vertx, verticle, id, initial.size()));
                });
    }

    /** Creates the data folder when missing; reserved for the durable logs, so nothing is written there yet. */
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

    /** The engine shard, for tests in this package. */
    Shard shard() {
        return verticle.shard();
    }

    /** The HTTP routes, for tests in this package. */
    List<Route> routes() {
        return verticle.routes();
    }

        /** Stops listening, then stops the shard after the commands it already holds. */
    public Future<Void> close() {
        return vertx.undeploy(deploymentId);
    }
}
