package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ConfigKey;
import dev.vigil.server.config.ConfigResolver;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.metrics.BuildInfo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator scrapes: the JVM's and the process's meters, the build, checkpoints, recovery and the lag of
 * each event source; and the Grafana dashboard in docs/ uses only metrics a running server has.
 */
@ExtendWith(VertxExtension.class)
class OperatorMetricsTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana-dashboard.json");
    /** A metric in a PromQL selector ({@code vigil_alerts_total{...}}) or in {@code label_values(metric, ...)}. */
    private static final Pattern METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{|label_values\\(([a-z_0-9]+)");

    @TempDir
    Path data;
    private RunningServer server;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data)
                .withCheckpointIntervalMs(0));
        assertEquals(201, server.send("POST", "/v1/rules", "text/plain", """
                RULE small_then_big FROM payments PARTITION BY card
                  PATTERN small -> big
                  DEFINE small AS amount < 2, big AS amount >= 500
                """).statusCode());
        String events = """
                {"stream": "payments", "card": "c1", "amount": 1, "ts": 1000}
                {"stream": "payments", "card": "c1", "amount": 900, "ts": 2000}
                {"watermark": 3000}
                """;
        assertEquals(202, server.send("POST", "/v1/events?source=till-7", "application/x-ndjson", events)
                .statusCode());
        server.checkpointer().checkpointNow().get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void everyMetricOfTheDashboardIsOnMetrics() throws Exception {
        Set<String> used = dashboardMetrics();
        assertTrue(used.size() > 20, used.toString());
        System.gc();   // the GC pause timer shows once a collection was seen
        String text = server.pollUntil("/metrics", body -> MetricsTest.samples(body).keySet().stream()
                .map(OperatorMetricsTest::name).toList().containsAll(used));
        Set<String> missing = new TreeSet<>(used);
        MetricsTest.samples(text).keySet().forEach(sample -> missing.remove(name(sample)));
        assertEquals(Set.of(), missing);
    }

    @Test
    void buildCheckpointRecoveryAndSourceLagAreMetrics() throws Exception {
        String text = server.pollUntil("/metrics", body -> body.contains("vigil_source_lag_seconds{source=\"till-7\"}"));
        Map<String, Double> samples = MetricsTest.samples(text);
        BuildInfo build = BuildInfo.current();
        assertEquals(1.0, samples.get("vigil_build_info{commit=\"" + build.commit() + "\",version=\""
                + build.version() + "\"}"), text);
        assertEquals(1.0, samples.get("vigil_checkpoints_completed_total"), text);
        assertEquals(0.0, samples.get("vigil_checkpoints_failed_total"), text);
        assertTrue(samples.get("vigil_checkpoint_size_bytes") > 0, text);
        assertTrue(samples.get("vigil_checkpoint_duration_seconds") > 0, text);
        assertTrue(samples.get("vigil_checkpoint_age_seconds") >= 0, text);
        assertEquals(0.0, samples.get("vigil_recovery_seconds"), "a first start recovers nothing");
        // the events are of 1970: their source trails the wall clock by the time since then
        double lag = samples.get("vigil_source_lag_seconds{source=\"till-7\"}");
        double sinceTheirTime = (System.currentTimeMillis() - 2_000) / 1e3;
        assertTrue(lag <= sinceTheirTime && lag > sinceTheirTime - 3_600, lag + " vs " + sinceTheirTime);
        double silence = samples.get("vigil_source_silence_seconds{source=\"till-7\"}");
        assertTrue(silence >= 0 && silence < 3_600, text);
        assertTrue(text.contains("jvm_memory_used_bytes{area=\"heap\""), text);
        assertTrue(samples.get("process_uptime_seconds") > 0, text);
        assertTrue(samples.get("jvm_threads_live_threads") > 0, text);
        assertTrue(samples.containsKey("process_cpu_usage"), text);
        for (ConfigKey old : ConfigResolver.DEPRECATED_ALIASES.values()) {
            assertFalse(text.contains(old.key()), "a help text names the deprecated " + old.key());
        }
    }

    @Test
    void anIdleServersCheckpointAgeCountsFromTheLastCheckThatFoundNothingChanged() throws Exception {
        server.pollUntil("/metrics", body -> MetricsTest.samples(body).get("vigil_checkpoint_age_seconds") >= 1.0);
        long checkedAtMs = System.currentTimeMillis();
        server.checkpointer().checkpointNow().get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Map<String, Double> samples = MetricsTest.samples(server.get("/metrics").body());
        double sinceTheCheckSeconds = (System.currentTimeMillis() - checkedAtMs) / 1e3;
        assertEquals(1.0, samples.get("vigil_checkpoints_completed_total"), "nothing changed: none written");
        double age = samples.get("vigil_checkpoint_age_seconds");
        assertTrue(age >= 0 && age <= sinceTheCheckSeconds, "the age counts from the check, " + sinceTheCheckSeconds
                + " s ago, not from the checkpoint written more than 1 s ago: " + age);
    }

    @Test
    void aRestartShowsHowLongItsRecoveryTook(Vertx vertx) throws Exception {
        server.close();
        server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data)
                .withCheckpointIntervalMs(0));
        double recovery = MetricsTest.samples(server.get("/metrics").body()).get("vigil_recovery_seconds");
        assertTrue(recovery > 0 && recovery < RunningServer.TIMEOUT.toSeconds(), "recovery took " + recovery + " s");
    }

    /** Every metric the dashboard's queries and variables name. */
    private static Set<String> dashboardMetrics() throws Exception {
        JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
        Set<String> metrics = new TreeSet<>();
        StringBuilder queries = new StringBuilder();
        for (Object panel : dashboard.getJsonArray("panels")) {
            JsonArray targets = ((JsonObject) panel).getJsonArray("targets", new JsonArray());
            for (Object target : targets) {
                queries.append(((JsonObject) target).getString("expr")).append('\n');
            }
        }
        for (Object variable : dashboard.getJsonObject("templating").getJsonArray("list")) {
            queries.append(((JsonObject) variable).getString("definition")).append('\n');
        }
        Matcher found = METRIC.matcher(queries);
        while (found.find()) {
            metrics.add(found.group(1) != null ? found.group(1) : found.group(2));
        }
        return metrics;
    }

    /** The metric name of a sample ({@code vigil_alerts_total{rule="x"}} to {@code vigil_alerts_total}). */
    private static String name(String sample) {
        int brace = sample.indexOf('{');
        return brace < 0 ? sample : sample.substring(0, brace);
    }
}
