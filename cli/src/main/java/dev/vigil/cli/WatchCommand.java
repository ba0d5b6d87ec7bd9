package dev.vigil.cli;

import dev.vigil.client.ConnectFailure;
import dev.vigil.client.ServerAddress;
import dev.vigil.client.TextMessages;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil watch}: prints the live alerts of a running server, one JSON object per line, as they come. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Print live alerts of a running server (WebSocket /v1/alerts), one JSON object per line, "
                + "until interrupted, until --count alerts, or until the server closes the connection.",
            "Exit status: 0 after --count alerts; 1 the server closed the connection; 2 bad usage; 3 no server "
                + "answers; 4 the server refuses the token."})
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = ServerAddress.DEFAULT_URL,
            description = "The server (default: ${DEFAULT-VALUE}); https:// for a server with TLS.")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token with the read role.")
    String token;

    @Option(names = "--rule", paramLabel = "NAME", description = "Only this rule's alerts.")
    String rule;

    @Option(names = "--severity", paramLabel = "LEVEL", description = "Only alerts of this severity.")
    String severity;

    @Option(names = "--key", paramLabel = "KEY", description = "Only alerts of this partition key.")
    String key;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N alerts.")
    Integer count;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerAddress server;
        try {
            server = ServerAddress.parse(url, token);
        } catch (IllegalArgumentException bad) {
            err.println("vigil watch: " + bad.getMessage());
            return Vigil.EXIT_USAGE;
        }
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put("rule", rule);
        filter.put("severity", severity);
        filter.put("key", key);
        TextMessages alerts = new TextMessages();
        WebSocket socket;
        try {
            socket = server.open(HttpClient.newHttpClient(), "/v1/alerts", filter, alerts).get();
        } catch (ExecutionException failed) {
            err.println("vigil watch: " + ConnectFailure.describe(server.webSocket("/v1/alerts", filter), failed));
            return ConnectFailure.exitStatus(failed);
        }
        int printed = 0;
        while (count == null || printed < count) {
            String alert = alerts.messages().poll(100, TimeUnit.MILLISECONDS);
            if (alert != null && alert.startsWith("{\"warning\":")) {
                err.println("vigil watch: " + new JsonObject(alert).getString("warning"));   // not an alert
                err.flush();
            } else if (alert != null) {
                out.println(alert);
                out.flush();
                printed++;
            } else if (alerts.ended().isDone() && alerts.messages().isEmpty()) {
                TextMessages.Ending ending = alerts.ended().join();
                err.println("vigil watch: the server closed the connection (" + ending.code() + " "
                        + ending.reason() + ")");
                return Vigil.EXIT_RULE_ERRORS;
            }
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "enough alerts");
        return 0;
    }
}
