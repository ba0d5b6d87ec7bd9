package dev.vigil.cli;

import dev.vigil.server.AccessToken;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
            "Without --token (or VIGIL_TOKENS) nothing is authenticated: keep the default loopback address then."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, paramLabel = "HOST",
            description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT, paramLabel = "PORT",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    int port;

    @Option(names = "--rules", defaultValue = "rules-examples", paramLabel = "DIR",
            description = "Folder whose .cep files (recursively) are deployed at start (default: ${DEFAULT-VALUE}).")
    Path rules;

    @Option(names = "--token", paramLabel = "ROLE:TOKEN",
            description = {"Accept this bearer token with this role (admin, ingest or read); repeatable. Tokens "
                + "are also read from the environment variable VIGIL_TOKENS=\"role:token,role:token\". With any "
                + "token, every route except GET /health and GET /ready needs one. Prefer VIGIL_TOKENS: other "
                + "users of the machine can read command lines."})
    List<String> tokenOptions = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65_535) {
            err.println("vigil serve: --port must be in 0..65535, got " + port);
            return Vigil.EXIT_USAGE;
        }
        List<AccessToken> tokens;
        try {
            tokens = tokens(tokenOptions, System.getenv("VIGIL_TOKENS"));
        } catch (IllegalArgumentException bad) {
            err.println("vigil serve: " + bad.getMessage());   // names the role or the problem, never the token
            return Vigil.EXIT_USAGE;
        }
        String warning = exposureWarning(host, tokens);
        if (warning != null) {
            err.println(warning);
            err.flush();
        }
        Vertx vertx = Vertx.vertx();
        VigilServer server;
        try {
            server = VigilServer.start(vertx, ServerConfig.of(host, port, rules).withTokens(tokens), err)
                    .toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException failed) {
            err.println("vigil serve: cannot listen on " + host + ":" + port + ": " + failed.getCause().getMessage());
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
                + server.rulesLoaded() + " rule(s) from " + rules
                + (tokens.isEmpty() ? "; no tokens: requests are not authenticated" : "; " + tokens.size()
                    + " token(s) accepted"));
        out.flush();
        stopped.await();
        return 0;
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
    static String exposureWarning(String host, List<AccessToken> tokens) {
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("[::1]");
        if (loopback || !tokens.isEmpty()) {
            return null;
        }
        return "vigil serve: warning: listening on " + host + " without tokens: anyone who reaches this address may"
                + " deploy rules and send events; set VIGIL_TOKENS (see README, Security)";
    }
}
