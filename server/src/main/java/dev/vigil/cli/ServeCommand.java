package dev.vigil.cli;

import dev.vigil.server.AccessToken;
import dev.vigil.server.ConfigResolver;
import dev.vigil.server.InvalidConfigException;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
                + "events over HTTP and WebSocket (see docs/api.md), push alerts to subscribers and sinks.",
            "Without --token (or VIGIL_TOKENS) nothing is authenticated: keep the default loopback address then."},
        footer = {"", "Each setting comes from its flag, else its environment variable, else the configuration file, "
                + "else its default. File keys and environment variables:",
            "  host                VIGIL_HOST                   --host",
            "  port                VIGIL_PORT                   --port",
            "  rules               VIGIL_RULES                  --rules",
            "  data                VIGIL_DATA                   --data",
            "  queueCapacity       VIGIL_QUEUE_CAPACITY         --queue-capacity",
            "  bodyLimitBytes      VIGIL_BODY_LIMIT_BYTES       --body-limit-bytes",
            "  frameLimitBytes     VIGIL_FRAME_LIMIT_BYTES      --frame-limit-bytes",
            "  ruleTextLimitBytes  VIGIL_RULE_TEXT_LIMIT_BYTES  --rule-text-limit-bytes",
            "  maxRules            VIGIL_MAX_RULES              --max-rules",
            "  maxEventsPerBatch   VIGIL_MAX_EVENTS_PER_BATCH   --max-events-per-batch",
            "  tlsCert             VIGIL_TLS_CERT               --tls-cert",
            "  tlsKey              VIGIL_TLS_KEY                --tls-key",
            "  shards              VIGIL_SHARDS                 --shards",
            "  watermarkDelayMs    VIGIL_WATERMARK_DELAY_MS     --watermark-delay-ms",
            "  sourceIdleTimeoutMs VIGIL_SOURCE_IDLE_TIMEOUT_MS --source-idle-timeout-ms",
            "The file is named by --config, else VIGIL_CONFIG; it is a JSON object (or YAML when named .yaml or .yml) "
                + "with only these keys, and its "
                + "relative paths are relative to the file's folder. Example:",
            "  {\"port\": 9090, \"rules\": \"rules\", \"data\": \"/var/lib/vigil\"}",
            "The file may also declare alert sinks under \"sinks\" (file only; see docs/api.md, Sinks):",
            "  \"sinks\": {\"fraud_hook\": {\"type\": \"webhook\", \"url\": \"https://hooks.example.com/fraud\", "
                + "\"rules\": [\"card_testing\"]}}",
            "Rules send to them with TO fraud_hook, or to inline sinks: TO webhook 'https://...', file 'a.ndjson', log.",
            "Tokens are not a file key: give them with --token or VIGIL_TOKENS only.",
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
            description = "Data folder, created if missing: the alert log and relative file sinks (default: data).")
    String data;

    @Option(names = "--queue-capacity", paramLabel = "N",
            description = "Commands (event batches, rule changes) a shard queues, holding about 65536 events at most, "
                    + "before the server answers busy (default: "
                    + ServerConfig.DEFAULT_QUEUE_CAPACITY + ").")
    String queueCapacity;

    @Option(names = "--body-limit-bytes", paramLabel = "BYTES",
            description = "Largest HTTP request body (default: " + ServerConfig.DEFAULT_BODY_LIMIT_BYTES + ").")
    String bodyLimitBytes;

    @Option(names = "--frame-limit-bytes", paramLabel = "BYTES",
            description = "Largest WebSocket message on /v1/events (default: "
                    + ServerConfig.DEFAULT_FRAME_LIMIT_BYTES + ").")
    String frameLimitBytes;

    @Option(names = "--rule-text-limit-bytes", paramLabel = "BYTES",
            description = "Largest rule request body, POST or PUT on /v1/rules (default: "
                    + ServerConfig.DEFAULT_RULE_TEXT_LIMIT_BYTES + ").")
    String ruleTextLimitBytes;

    @Option(names = "--max-rules", paramLabel = "N",
            description = "Rules the server runs at most (default: " + ServerConfig.DEFAULT_MAX_RULES + ").")
    String maxRules;

    @Option(names = "--max-events-per-batch", paramLabel = "N",
            description = "Events and watermarks one POST /v1/events or WebSocket message may hold (default: "
                    + ServerConfig.DEFAULT_MAX_EVENTS_PER_BATCH + ").")
    String maxEventsPerBatch;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Certificate chain (PEM); with --tls-key the server speaks HTTPS and WSS only.")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM",
            description = "Private key (PEM, PKCS#8 or PKCS#1) of --tls-cert.")
    String tlsKey;

    @Option(names = "--shards", paramLabel = "N",
            description = "Engine threads, 1..64; events are split between them by partition key (default: the "
                    + "number of cores).")
    String shards;

    @Option(names = "--watermark-delay-ms", paramLabel = "MS",
            description = "Watermark delay of streams whose STREAM declaration sets none (default: 0).")
    String watermarkDelayMs;

    @Option(names = "--source-idle-timeout-ms", paramLabel = "MS",
            description = "How long an event source (a WebSocket connection, an HTTP source name) may stay silent "
                    + "before it stops holding back the watermark of its streams (default: "
                    + ServerConfig.DEFAULT_SOURCE_IDLE_TIMEOUT_MS + ").")
    String sourceIdleTimeoutMs;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file, JSON, or YAML when named .yaml or .yml (default: $VIGIL_CONFIG, else "
                    + "none).")
    Path config;

    @Option(names = "--token", paramLabel = "ROLE:TOKEN",
            description = {"Accept this bearer token with this role (admin, ingest or read); repeatable. Tokens "
                + "are also read from the environment variable VIGIL_TOKENS=\"role:token,role:token\". With any "
                + "token, every route except GET /health and GET /ready needs one. Prefer VIGIL_TOKENS: other "
                + "users of the machine can read command lines."})
    List<String> tokenOptions = new ArrayList<>();

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
        List<AccessToken> tokens;
        try {
            tokens = tokens(tokenOptions, System.getenv("VIGIL_TOKENS"));
        } catch (IllegalArgumentException bad) {
            err.println("vigil serve: " + bad.getMessage());   // names the role or the problem, never the token
            return Vigil.EXIT_USAGE;
        }
        resolved = resolved.withTokens(tokens);
        String host = resolved.host();
        int port = resolved.port();
        Path rules = resolved.rulesDir();
        String warning = exposureWarning(host, tokens, resolved.tls() != null);
        if (warning != null) {
            err.println(warning);
            err.flush();
        }
        Vertx vertx = Vertx.vertx();
        VigilServer server;
        String scheme = resolved.tls() == null ? "http" : "https";
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
        out.println("vigil serve: listening on " + scheme + "://" + host + ":" + server.port() + " with "
                + server.rulesLoaded() + " rule(s) from " + rules
                + (tokens.isEmpty() ? "; no tokens: requests are not authenticated" : "; " + tokens.size()
                    + " token(s) accepted"));
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
        flags.put("ruleTextLimitBytes", ruleTextLimitBytes);
        flags.put("maxRules", maxRules);
        flags.put("maxEventsPerBatch", maxEventsPerBatch);
        flags.put("tlsCert", tlsCert);
        flags.put("tlsKey", tlsKey);
        flags.put("shards", shards);
        flags.put("watermarkDelayMs", watermarkDelayMs);
        flags.put("sourceIdleTimeoutMs", sourceIdleTimeoutMs);
        Path file = config;
        if (file == null && env.get(ConfigResolver.CONFIG_ENV) != null) {
            file = Path.of(env.get(ConfigResolver.CONFIG_ENV));
        }
        return ConfigResolver.resolve(flags, env, file);
    }

    /**
     * The tokens of {@code --token ROLE:TOKEN} options followed by those of {@code VIGIL_TOKENS}
     * ({@code role:token,role:token}); throws with a message that never contains a token.
     */
    static List<AccessToken> tokens(List<String> options, String environment) {
        List<AccessToken> tokens = new ArrayList<>();
        for (String option : options) {
            tokens.add(AccessToken.parse(option));
        }
        try {
            tokens.addAll(AccessToken.parseList(environment));
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("VIGIL_TOKENS: " + bad.getMessage(), bad);
        }
        return tokens;
    }

    /** A warning when the server would accept unauthenticated requests from beyond this machine; else null. */
    static String exposureWarning(String host, List<AccessToken> tokens, boolean tls) {
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("[::1]");
        if (loopback || !tokens.isEmpty() && tls) {
            return null;
        }
        if (!tokens.isEmpty()) {
            return "vigil serve: warning: listening on " + host + " without TLS: bearer tokens cross the network in "
                    + "clear text; set --tls-cert and --tls-key or put a TLS proxy in front (see README, Security)";
        }
        return "vigil serve: warning: listening on " + host + " without tokens: anyone who reaches this address may"
                + " deploy rules and send events; set VIGIL_TOKENS (see README, Security)";
    }
}
