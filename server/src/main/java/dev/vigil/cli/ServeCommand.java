package dev.vigil.cli;

import dev.vigil.server.ConfigResolver;
import dev.vigil.server.InvalidConfigException;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import java.util.concurrent.Callable;

/**
 * {@code vigil serve}: the rules server. Deploys the rule files of a folder, then serves the HTTP API until
 * SIGINT or SIGTERM, when it stops listening and lets the engine finish the commands it holds.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the rules server: deploy every *.cep file under the rules folder, accept rules and "
                + "events over HTTP (see docs/api.md) and push alerts to WebSocket subscribers.",
            "No authentication yet: keep the default loopback address."},
        footer = {"", "Each setting comes from its flag, else its environment variable, else the configuration file, "
                + "else its default. File keys and environment variables:",
            "  host             VIGIL_HOST               --host",
            "  port             VIGIL_PORT               --port",
            "  rules            VIGIL_RULES              --rules",
            "  data             VIGIL_DATA               --data",
            "  queueCapacity    VIGIL_QUEUE_CAPACITY     --queue-capacity",
            "  bodyLimitBytes   VIGIL_BODY_LIMIT_BYTES   --body-limit-bytes",
            "  frameLimitBytes  VIGIL_FRAME_LIMIT_BYTES  --frame-limit-bytes",
            "The file is named by --config, else VIGIL_CONFIG; it is a JSON object with only these keys, and its "
                + "relative paths are relative to the file's folder. Example:",
            "  {\"port\": 9090, \"rules\": \"rules\", \"data\": \"/var/lib/vigil\"}",
            "Unknown keys and wrong values stop the server with exit status 2."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST",
            description = "Address to bind (default: " + ServerConfig.DEFAULT_HOST + ").")
    String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "TCP port (default: " + ServerConfig.DEFAULT_PORT + "; 0 picks a free port).")
    String port;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Folder whose .cep files (recursively) are deployed at start and reloaded when they "
                    + "change (default: rules-examples).")
    String rules;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data folder, created if missing (default: data).")
    String data;

    @Option(names = "--queue-capacity", paramLabel = "N",
            description = "Commands a shard queues before the server answers 503 (default: "
                    + ServerConfig.DEFAULT_QUEUE_CAPACITY + ").")
    String queueCapacity;

    @Option(names = "--body-limit-bytes", paramLabel = "BYTES",
            description = "Largest HTTP request body (default: " + ServerConfig.DEFAULT_BODY_LIMIT_BYTES + ").")
    String bodyLimitBytes;

    @Option(names = "--frame-limit-bytes", paramLabel = "BYTES",
            description = "Largest WebSocket message on /v1/events (default: "
                    + ServerConfig.DEFAULT_FRAME_LIMIT_BYTES + ").")
    String frameLimitBytes;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON configuration file (default: $VIGIL_CONFIG, else none).")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig resolved;
        try {
            resolved = resolve(System.getenv());
        } catch (InvalidConfigException invalid) {
            err.println("vigil serve: " + invalid.getMessage());
            return Vigil.EXIT_USAGE;
        }
        String host = resolved.host();
        int port = resolved.port();
        Path rules = resolved.rulesDir();
        Vertx vertx = Vertx.vertx();
        VigilServer server;
        try {
            server = VigilServer.start(vertx, resolved, err)
                    .toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException failed) {
            err.println("vigil serve: cannot start on " + host + ":" + port + ": " + failed.getCause().getMessage());
            vertx.close();
            return Vigil.EXIT_USAGE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // one after the other from this thread: a continuation on a closing Vert.x would be rejected
                server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                err.println("vigil serve: unclean stop: " + e);
            } finally {
                err.println("vigil serve: stopped");
                err.flush();
                stopped.countDown();
            }
        }, "vigil-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("vigil serve: listening on http://" + host + ":" + server.port() + " with "
                + server.rulesLoaded() + " rule(s) from " + rules);
        out.flush();
        stopped.await();
        return 0;
    }

    /** The configuration from these flags, {@code env} and the configuration file (see {@link ConfigResolver}). */
    ServerConfig resolve(Map<String, String> env) throws InvalidConfigException {
        Map<String, String> flags = new HashMap<>();
        flags.put("host", host);
        flags.put("port", port);
        flags.put("rules", rules);
        flags.put("data", data);
        flags.put("queueCapacity", queueCapacity);
        flags.put("bodyLimitBytes", bodyLimitBytes);
        flags.put("frameLimitBytes", frameLimitBytes);
        Path file = config;
        if (file == null && env.get(ConfigResolver.CONFIG_ENV) != null) {
            file = Path.of(env.get(ConfigResolver.CONFIG_ENV));
        }
        return ConfigResolver.resolve(flags, env, file);
    }
}
