package dev.vigil.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;

/**
 * What a running server says about its engine at one moment, from {@code GET /ready}, {@code GET /v1/rules} (the
 * rule counters, summed over the rules) and {@code GET /metrics}: enough to tell when it has finished with its
 * input. Counters and metrics count from the start of the process, so across restarts only the gauges
 * ({@code partialMatches}, {@code queued}) mean the same thing.
 *
 * @param ready {@code GET /ready} answered 200
 * @param eventsIn events routed to the rules, summed over the rules
 * @param partialMatches partial matches the rules hold now
 * @param ruleAlerts matches plus timeouts the rules counted
 * @param alertsLogged {@code vigil_alerts_total}: alerts this process pushed, each after writing it to the log
 * @param queued {@code vigil_shard_queue_depth} plus {@code vigil_alerts_pending}: work waiting in the engine
 */
record EngineSnapshot(boolean ready, long eventsIn, long partialMatches, long ruleAlerts, long alertsLogged,
        long queued) {

    static EngineSnapshot of(ServerProcess server) throws IOException, InterruptedException {
        boolean ready = server.get("/ready").statusCode() == 200;
        long eventsIn = 0;
        long partialMatches = 0;
        long ruleAlerts = 0;
        JsonArray rules = new JsonArray(ok(server.get("/v1/rules"), "/v1/rules"));
        for (int i = 0; i < rules.size(); i++) {
            JsonObject counters = rules.getJsonObject(i).getJsonObject("counters");
            eventsIn += counters.getLong("eventsIn");
            partialMatches += counters.getLong("partialMatches");
            ruleAlerts += counters.getLong("matches") + counters.getLong("timeouts");
        }
        long alertsLogged = 0;
        long queued = 0;
        for (String line : ok(server.get("/metrics"), "/metrics").split("\n")) {
            if (line.startsWith("vigil_alerts_total{")) {
                alertsLogged += value(line);
            } else if (line.startsWith("vigil_shard_queue_depth{") || line.startsWith("vigil_alerts_pending ")
                    || line.startsWith("vigil_alerts_pending{")) {
                queued += value(line);
            }
        }
        return new EngineSnapshot(ready, eventsIn, partialMatches, ruleAlerts, alertsLogged, queued);
    }

    /** Ready, and the engine holds nothing: no partial match, nothing queued. */
    boolean idle() {
        return ready && partialMatches == 0 && queued == 0;
    }

    private static long value(String sample) {
        return (long) Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }

    private static String ok(HttpResponse<String> response, String path) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }
}
