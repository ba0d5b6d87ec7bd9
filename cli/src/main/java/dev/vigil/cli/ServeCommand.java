package dev.vigil.cli;

import dev.vigil.server.VigilServer;
import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.ConfigKey;
import dev.vigil.server.config.ConfigResolver;
import dev.vigil.server.config.FatalErrors;
import dev.vigil.server.config.InvalidConfigException;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vigil serve}: the rules server. Deploys the rule files of a folder, then serves the HTTP API until
 * SIGINT or SIGTERM, when it stops listening and lets the engine finish the commands it holds.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the rules server: deploy every *.cep and *.sql rule file under the rules folder, accept rules and "
                + "events over HTTP and WebSocket (see docs/api.md), push alerts to subscribers and sinks.",
            "Without --token (or VIGIL_TOKENS) nothing is authenticated: keep the default loopback address then."},
        modelTransformer = ServeCommand.SettingOptions.class,
        footer = {"", "Each setting comes from its flag, else its environment variable, else the configuration file, "
                + "else its default. File keys, environment variables and flags:",
            "The file is named by --config, else VIGIL_CONFIG; it is a JSON object (or YAML when named .yaml or .yml) "
                + "with only these keys, and its relative paths are relative to the file's folder. Example:",
            "  {\"port\": 9090, \"rules\": \"rules\", \"data\": \"/var/lib/vigil\"}",
            "The file may also declare alert sinks under \"sinks\" (file only; see docs/api.md, Sinks):",
            "  \"sinks\": {\"fraud_hook\": {\"type\": \"webhook\",",
            "      \"url\": \"https://hooks.example.com/fraud\", \"rules\": [\"card_testing\"]}}",
            "Rules send to them with TO fraud_hook, or to inline sinks: TO webhook 'https://...', file 'a.ndjson', "
                + "kafka 'topic' (to kafkaBootstrap), log.",
            "A kafka sink ({\"type\": \"kafka\", \"topic\": \"alerts\"}) writes each alert once to its topic, "
                + "across crashes too; client settings (security) go under kafkaProperties or the sink's "
                + "\"properties\" (docs/alerts.md, Kafka).",
            "Inline files stay under sinkDir; inline webhooks may not post to this machine or cloud metadata "
                + "addresses unless webhookAllowedHosts allows them. Web pages may only act from allowedOrigins. "
                + "See docs/security.md.",
            "Tokens are not a file key: give them with --token or VIGIL_TOKENS only.",
            "Unknown keys and wrong values stop the server with exit status 2."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

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

    @Option(names = "--from-savepoint", paramLabel = "NAME",
            description = "Start from this savepoint (its name in the data folder's savepoints/, or a savepoint "
                    + "file) instead of the latest checkpoint; the ingest log is replayed after it.")
    String fromSavepoint;

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
        String unusable = unusablePaths(resolved);
        if (unusable != null) {
            err.println("vigil serve: " + unusable);
            return Vigil.EXIT_USAGE;
        }
        String host = resolved.host();
        int port = resolved.port();
        // from here on the server's messages are log lines on stderr; a start that fails is still said as a
        // mistake of the command (exit status 2)
        Logging.configure(resolved.logs());
        String warning = exposureWarning(host, tokens, resolved.tls() != null);
        if (warning != null) {
            LOG.warn(warning);
        }
        FatalErrors.install(System.err);   // an OutOfMemoryError anywhere ends the process: a supervisor restarts it
        Vertx vertx = Vertx.vertx();
        vertx.exceptionHandler(failure -> {
            FatalErrors.check(failure);
            LOG.error("unhandled exception on {}: {}", Thread.currentThread().getName(), failure.toString(), failure);
        });
        VigilServer server;
        String scheme = resolved.tls() == null ? "http" : "https";
        try {
            server = VigilServer.start(vertx, resolved).toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException failed) {
            err.println("vigil serve: cannot start: " + whyNotStarted(failed.getCause(), host, port));
            err.flush();
            vertx.close();
            Logging.stop();
            return Vigil.EXIT_USAGE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // one after the other from this thread: a continuation on a closing Vert.x would be rejected
                server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("unclean stop: {}", e.toString());
            } finally {
                LOG.info("stopped");
                Logging.stop();   // writes the lines still queued
                stopped.countDown();
            }
        }, "vigil-shutdown"));
        LOG.info("listening on {}://{}:{} with {}{}", scheme, host, server.port(), server.rulesSummary(),
                tokens.isEmpty() ? "; no tokens: requests are not authenticated"
                        : "; " + tokens.size() + " token(s) accepted");
        stopped.await();
        return 0;
    }

    /** The configuration from these flags, {@code env} and the configuration file (see {@link ConfigResolver}). */
    ServerConfig resolve(Map<String, String> env) throws InvalidConfigException {
        Map<String, String> flags = new HashMap<>();
        for (ConfigKey key : ConfigResolver.KEYS) {
            flags.put(key.key(), spec.findOption(key.flag()).getValue());
        }
        for (ConfigKey old : ConfigResolver.DEPRECATED_ALIASES.values()) {
            flags.put(old.key(), spec.findOption(old.flag()).getValue());
        }
        Path file = config;
        if (file == null && env.get(ConfigResolver.CONFIG_ENV) != null) {
            file = Path.of(env.get(ConfigResolver.CONFIG_ENV));
        }
        return ConfigResolver.resolve(flags, env, file).withFromSavepoint(fromSavepoint);
    }

    /**
     * What keeps the server from starting that can be said before anything is opened (a file where the data
     * folder belongs, a TLS file that is not there), naming the setting; null when nothing does.
     */
    static String unusablePaths(ServerConfig config) {
        Path data = config.dataDir();
        if (data != null && Files.exists(data) && !Files.isDirectory(data)) {
            return "data: " + data + " is a file, not a folder";
        }
        Path rules = config.rulesDir();
        if (rules != null && Files.exists(rules) && !Files.isDirectory(rules)) {
            return "rules: " + rules + " is a file, not a folder (the server deploys every .cep and .sql file under a folder)";
        }
        if (config.tls() != null) {
            String problem = FileArguments.unreadable(config.tls().certificate());
            if (problem != null) {
                return "tlsCert: " + problem;
            }
            problem = FileArguments.unreadable(config.tls().key());
            if (problem != null) {
                return "tlsKey: " + problem;
            }
        }
        return null;
    }

    /** Why the server did not start, in one line: the address is taken, or what the failure says. */
    static String whyNotStarted(Throwable failure, String host, int port) {
        if (failure instanceof java.net.BindException || failure instanceof java.net.SocketException) {
            return "cannot listen on " + host + ":" + port + ": " + failure.getMessage()
                    + " (another server on that port? choose another with --port)";
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
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
            return "listening on " + host + " without TLS: bearer tokens cross the network in "
                    + "clear text; set --tls-cert and --tls-key or put a TLS proxy in front (see README, Security)";
        }
        return "listening on " + host + " without tokens: anyone who reaches this address may"
                + " deploy rules and send events; set VIGIL_TOKENS (see README, Security)";
    }

    /**
     * Gives {@code serve} one option per setting of {@link ConfigResolver#KEYS}, and lists the settings in the
     * help's footer, so a setting is declared in one place only.
     */
    static final class SettingOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (ConfigKey key : ConfigResolver.KEYS) {
                String byDefault = key.defaultValue() == null ? "" : " (default: " + key.defaultValue() + ")";
                spec.addOption(OptionSpec.builder(key.flag()).paramLabel(key.paramLabel()).type(String.class)
                        .description(key.description() + byDefault).build());
                ConfigKey old = ConfigResolver.DEPRECATED_ALIASES.get(key.key());
                if (old != null) {   // still read, not shown: the footer names the deprecated names
                    spec.addOption(OptionSpec.builder(old.flag()).paramLabel(old.paramLabel()).type(String.class)
                            .description(old.description()).hidden(true).build());
                }
            }
            List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
            List<String> table = new ArrayList<>(table(ConfigResolver.KEYS));
            List<String> deprecated = new ArrayList<>();
            ConfigResolver.DEPRECATED_ALIASES.values().forEach(old -> deprecated.add(old.key()));
            table.add("Durations are written 500ms, 5s, 1m, 1h, 1d or PT5S; a bare number is milliseconds. Deprecated "
                    + "names in milliseconds, still read (with their VIGIL_..._MS variables and --...-ms flags): "
                    + String.join(", ", deprecated) + ".");
            footer.addAll(2, table);   // after the blank line and the sentence introducing it
            List<String> lines = new ArrayList<>();
            for (String paragraph : footer) {
                lines.addAll(paragraph.startsWith("  ") ? List.of(paragraph)
                        : wrap(paragraph, spec.usageMessage().width() - 1));
            }
            spec.usageMessage().footer(lines.toArray(String[]::new));
            return spec;
        }

        /**
         * {@code paragraph} as lines of at most {@code width} characters, broken at spaces only: picocli would also
         * break at dots, colons and slashes, cutting {@code docs/api.md} and URLs in two.
         */
        static List<String> wrap(String paragraph, int width) {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(word);
            }
            lines.add(line.toString());
            return lines;
        }

        /**
         * The settings as three columns (file key, environment variable, flag), each as wide as its longest entry
         * and two spaces apart, so no two run together whatever the names.
         */
        static List<String> table(List<ConfigKey> keys) {
            int keyWidth = 0;
            int envWidth = 0;
            for (ConfigKey key : keys) {
                keyWidth = Math.max(keyWidth, key.key().length());
                envWidth = Math.max(envWidth, key.env().length());
            }
            String row = "  %-" + (keyWidth + 2) + "s%-" + (envWidth + 2) + "s%s";
            List<String> table = new ArrayList<>();
            for (ConfigKey key : keys) {
                table.add(String.format(Locale.ROOT, row, key.key(), key.env(), key.flag()));
            }
            return table;
        }
    }
}
