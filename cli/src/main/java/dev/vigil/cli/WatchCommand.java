package dev.vigil.cli;

import dev.vigil.client.ConnectFailure;
import dev.vigil.client.ServerAddress;
import dev.vigil.client.TextMessages;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil watch}: prints the alerts of a running server, one JSON object per line, as they come; from an alert
 * or a time on when asked; and through lost connections, which it opens again by itself, resuming after the last
 * alert it printed.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Print live alerts of a running server (WebSocket /v1/alerts), one JSON object per line, "
                + "until interrupted or until --count alerts. It says on stderr when it is subscribed.",
            "--after ID starts after that alert; --since TIME first prints the alerts emitted since TIME (from the "
                + "server's history, GET /v1/alerts), then the live ones.",
            "A lost connection is opened again by itself (after " + WatchCommand.FIRST_RETRY_MS + " ms, then twice as "
                + "long each time up to " + WatchCommand.LAST_RETRY_MS / 1000 + " s), resuming after the last alert "
                + "printed: nothing is printed twice, and nothing the server's history still holds is missed.",
            "Exit status: 0 after --count alerts; 1 the server closed the connection (with --no-reconnect), or no "
                + "longer holds the alert to resume after; 2 bad usage; 3 no server answers; 4 the server refuses "
                + "the token."})
final class WatchCommand implements Callable<Integer> {
    /** The wait before the first attempt to connect again. */
    static final long FIRST_RETRY_MS = 500;
    /** The longest wait between two attempts. */
    static final long LAST_RETRY_MS = 30_000;
    /** Alerts read per history page with {@code --since}: the most the server answers at once. */
    private static final int PAGE = 1_000;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--rule", paramLabel = "NAME", description = "Only this rule's alerts.")
    String rule;

    @Option(names = "--severity", paramLabel = "LEVEL", description = "Only alerts of this severity.")
    String severity;

    @Option(names = "--key", paramLabel = "KEY", description = "Only alerts of this partition key.")
    String key;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N alerts, at least 1.")
    Integer count;

    @Option(names = "--after", paramLabel = "ID",
            description = "Start after this alert (its \"id\"): the alerts logged after it, then the live ones.")
    String after;

    @Option(names = "--since", paramLabel = "TIME", converter = BacktestCommand.InstantConverter.class,
            description = "Start with the alerts emitted since TIME: epoch milliseconds or ISO-8601, such as "
                    + "2026-11-21T09:00:00Z.")
    Long since;

    @Option(names = "--no-reconnect", description = "End when the connection is lost instead of opening it again.")
    boolean noReconnect;

    private int printed;
    /** The ids of the newest alerts printed from the history, which the live socket may bring again. */
    private final java.util.Set<String> fromHistory = new java.util.LinkedHashSet<>();
    /** The id of the last alert printed: where a new connection resumes. */
    private String lastId;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String usage = count != null && count < 1 ? "--count must be at least 1, got " + count
                : after != null && since != null ? "give --after or --since, not both" : null;
        if (usage != null) {
            err.println("vigil watch: " + usage);
            return Vigil.EXIT_USAGE;
        }
        ConnectionOptions.Target target = connection.target("vigil watch", err);
        if (target == null) {
            return Vigil.EXIT_USAGE;
        }
        ServerAddress server = target.server();
        HttpClient http = target.http();
        lastId = after;
        Connected live = null;
        if (since != null) {
            // subscribed first: an alert emitted while the history is read comes on the socket too (and is skipped
            // there when the history had it), so none falls between the two
            Map<String, String> query = query();
            try {
                live = connect(server, http, query);
            } catch (ExecutionException failed) {
                err.println("vigil watch: " + ConnectFailure.describe(server.webSocket("/v1/alerts", query), failed));
                return ConnectFailure.exitStatus(failed);
            }
            Integer status = printHistory(server, http, out, err);
            if (status != null || enough()) {
                live.socket().sendClose(WebSocket.NORMAL_CLOSURE, "done");
                return status == null ? 0 : status;
            }
        }
        long retryMs = FIRST_RETRY_MS;
        boolean connectedOnce = false;
        while (!enough()) {
            Connected connected = live;
            live = null;
            if (connected == null) {
                Map<String, String> query = query();
                try {
                    connected = connect(server, http, query);
                } catch (ExecutionException failed) {
                    int status = handshakeStatus(failed);
                    if (status == 404 && lastId != null) {
                        err.println("vigil watch: the server does not hold alert " + lastId + " in its history "
                                + "(unknown, or older than the alerts it keeps); start again with --since TIME");
                        return Vigil.EXIT_RULE_ERRORS;
                    }
                    String why = ConnectFailure.describe(server.webSocket("/v1/alerts", query), failed);
                    // a refused token or a bad parameter stays so: only a server that is not (yet) back is tried again
                    boolean forGood = status >= 400 && status < 500 && status != 408 && status != 429;
                    if (!connectedOnce || forGood) {
                        err.println("vigil watch: " + why);
                        return ConnectFailure.exitStatus(failed);
                    }
                    err.println("vigil watch: " + why + "; trying again in " + retryMs + " ms");
                    err.flush();
                    Thread.sleep(retryMs);
                    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
                    continue;
                }
            }
            WebSocket socket = connected.socket();
            TextMessages alerts = connected.alerts();
            connectedOnce = true;
            retryMs = FIRST_RETRY_MS;
            err.println("vigil watch: subscribed to " + connected.target() + (connected.after() == null ? ""
                    : " (after alert " + connected.after() + ")") + "; waiting for alerts");
            err.flush();
            TextMessages.Ending ending = printUntilEnded(alerts, out, err);
            if (ending == null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "enough alerts");
                return 0;
            }
            String lost = ending.code() == -1 ? "the connection failed (" + ending.reason() + ")"
                    : "the server closed the connection (" + ending.code() + " " + ending.reason() + ")";
            if (noReconnect) {
                err.println("vigil watch: " + lost);
                return Vigil.EXIT_RULE_ERRORS;
            }
            err.println("vigil watch: " + lost + "; connecting again in " + retryMs + " ms");
            err.flush();
            Thread.sleep(retryMs);
        }
        return 0;
    }

    /** An open subscription: its socket, the alerts it brings, its address, and the alert it resumed after. */
    private record Connected(WebSocket socket, TextMessages alerts, URI target, String after) {}

    private Connected connect(ServerAddress server, HttpClient http, Map<String, String> query)
            throws ExecutionException, InterruptedException {
        TextMessages alerts = new TextMessages();
        WebSocket socket = server.open(http, "/v1/alerts", query, alerts).get();
        return new Connected(socket, alerts, server.webSocket("/v1/alerts", query), query.get("after"));
    }

    /**
     * Prints the connection's alerts (and its warnings, such as a filter naming a rule that does not run, on
     * {@code err}); null after {@code --count} of them, else how the connection ended.
     */
    private TextMessages.Ending printUntilEnded(TextMessages alerts, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        while (!enough()) {
            String alert = alerts.messages().poll(100, TimeUnit.MILLISECONDS);
            if (alert != null && alert.startsWith("{\"warning\":")) {
                err.println("vigil watch: " + new JsonObject(alert).getString("warning"));   // not an alert
                err.flush();
            } else if (alert != null) {
                print(alert, out);
            } else if (alerts.ended().isDone() && alerts.messages().isEmpty()) {
                return alerts.ended().join();
            }
        }
        return null;
    }

    /**
     * Prints the alerts emitted since {@code --since}, page after page; null to go on with the live ones, else the
     * exit status after saying why the history could not be read.
     */
    private Integer printHistory(ServerAddress server, HttpClient http, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        while (!enough()) {
            Map<String, String> query = filter();
            if (lastId == null) {
                query.put("since", String.valueOf(since));
            } else {
                query.put("after", lastId);
            }
            query.put("limit", String.valueOf(PAGE));
            URI page = server.http("/v1/alerts", query);
            HttpRequest.Builder request = HttpRequest.newBuilder(page).timeout(java.time.Duration.ofSeconds(60));
            if (server.authorization() != null) {
                request.header("Authorization", server.authorization());
            }
            HttpResponse<String> answer;
            try {
                answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException failed) {
                err.println("vigil watch: " + ConnectFailure.describe(page, failed));
                return ConnectFailure.exitStatus(failed);
            }
            JsonArray alerts;
            try {
                if (answer.statusCode() != 200) {
                    String error = new JsonObject(answer.body()).getString("error", answer.body());
                    err.println("vigil watch: the server refused " + page.getPath() + ": HTTP " + answer.statusCode()
                            + ": " + error);
                    int status = answer.statusCode();
                    return status == 401 || status == 403 ? ConnectFailure.REFUSED : Vigil.EXIT_USAGE;
                }
                alerts = new JsonArray(answer.body());
            } catch (DecodeException | ClassCastException notJson) {
                err.println("vigil watch: " + page + " answered HTTP " + answer.statusCode() + " with no alerts: "
                        + notJson.getMessage());
                return Vigil.EXIT_RULE_ERRORS;
            }
            for (int i = 0; i < alerts.size() && !enough(); i++) {
                print(alerts.getJsonObject(i).encode(), out);
                fromHistory.add(lastId);
                if (fromHistory.size() > 2 * PAGE) {   // the live socket repeats only the newest ones
                    fromHistory.remove(fromHistory.iterator().next());
                }
            }
            if (alerts.size() < PAGE) {
                return null;
            }
        }
        return null;
    }

    /** Prints an alert unless the history printed it already, and remembers it as the one to resume after. */
    private void print(String alert, PrintWriter out) {
        String id = null;
        try {
            id = new JsonObject(alert).getString("id");
        } catch (DecodeException | ClassCastException notAnAlert) {
            // printed as it came; resuming goes on from the last alert that had an id
        }
        if (id != null && fromHistory.contains(id)) {
            return;
        }
        out.println(alert);
        out.flush();
        printed++;
        lastId = id != null ? id : lastId;
    }

    private boolean enough() {
        return count != null && printed >= count;
    }

    private Map<String, String> filter() {
        Map<String, String> filter = new LinkedHashMap<>();
        filter.put("rule", rule);
        filter.put("severity", severity);
        filter.put("key", key);
        return filter;
    }

    /** The filter, and where to resume: after the last alert printed (or {@code --after}), else from now. */
    private Map<String, String> query() {
        Map<String, String> query = filter();
        query.put("after", lastId);
        return query;
    }

    /** The HTTP status with which the server refused the WebSocket, or -1 when it did not answer. */
    private static int handshakeStatus(ExecutionException failed) {
        return failed.getCause() instanceof WebSocketHandshakeException handshake
                ? handshake.getResponse().statusCode() : -1;
    }
}
