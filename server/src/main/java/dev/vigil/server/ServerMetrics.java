package dev.vigil.server;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.runtime.RuleCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The server's metrics in a Micrometer Prometheus registry, rendered by {@code GET /metrics}.
 *
 * <p>Engine counters are not copied into meters event by event: the meters read the shards' latest counter
 * snapshots when scraped, and {@link #scrape} first registers meters for streams and rules that appeared since the
 * last scrape (and drops the gauges of rules that went away). Alert counts and the latency histogram are
 * recorded as alerts are pushed.
 *
 * <p><b>Threading:</b> {@link #attach}, {@link #onAlertPushed} and {@link #scrape} on the server's event loop;
 * {@link #malformed}
 * from any thread.
 */
final class ServerMetrics {
    /**
     * Event-to-alert latency buckets, 1 ms .. 60 s: a fixed, short list (rather than Micrometer's ~70 generated
     * buckets) keeps every scrape small while still separating "immediate" from "waited for the watermark".
     */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Ingest ingest;
    /** The engine's counters as of the current scrape: taken once per scrape, read by every engine meter. */
    private volatile Snapshot snapshot = new Snapshot(
            new EngineCounters(Map.of(), Map.of(), 0, java.util.List.of()), Map.of());

    private record Snapshot(EngineCounters counters, Map<String, RuleCounters> rules) {
        static Snapshot of(EngineCounters counters) {
            Map<String, RuleCounters> rules = new HashMap<>();
            for (RuleCounters rule : counters.rules()) {
                rules.put(rule.rule(), rule);
            }
            return new Snapshot(counters, rules);
        }

        double rule(String name, ToLongFunction<RuleCounters> counter) {
            RuleCounters rule = rules.get(name);
            return rule == null ? 0 : counter.applyAsLong(rule);
        }
    }
    private final Counter malformed;
    private final Timer latency;
    private Counter slowSubscribers;
    private final Map<String, Counter> alertCounters = new HashMap<>();   // key: rule + '\0' + kind
    private final Set<String> streamsRegistered = new HashSet<>();
    private final Map<String, Meter> partialMatchGauges = new HashMap<>();
    private final Map<String, Meter> evaluationErrorCounters = new HashMap<>();

    ServerMetrics() {
        this.malformed = Counter.builder("vigil.malformed.events")
                .description("Input lines rejected as malformed (bad JSON, unknown stream, wrong field types)")
                .register(registry);
        this.latency = Timer.builder("vigil.alert.latency")
                .description("Wall-clock time from accepting a match's last event to pushing the alert")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /** The registry behind {@code /metrics}, for meters kept elsewhere ({@link SinkMeters}). */
    io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** Starts reading the shards' counters and queue depths; once, before the first scrape. */
    void attach(Ingest ingest) {
        if (this.ingest != null) {
            throw new IllegalStateException("metrics already attached");
        }
        this.ingest = ingest;
        for (Shard shard : ingest.shards()) {
            Gauge.builder("vigil.shard.queue.depth", shard, Shard::queueDepth)
                    .description("Commands (event batches, rule changes) waiting in the shard's queue")
                    .tag("shard", Integer.toString(shard.id()))
                    .strongReference(true)
                    .register(registry);
        }
        FunctionCounter.builder("vigil.unrouted.events", this, m -> m.snapshot.counters().unrouted())
                .description("Events of streams no deployed rule reads: counted and ignored")
                .register(registry);
    }

    /** Reports the hub's live alert subscribers (WebSocket and event stream) and counts the slow ones it drops. */
    void watchAlertSubscribers(AlertHub hub) {
        Gauge.builder("vigil.alert.subscribers", hub, AlertHub::subscriberCount)
                .description("Live alert subscribers (WebSocket and Server-Sent Events)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("vigil.alerts.pending", hub, AlertHub::pendingAlerts)
                .description("Alerts rendered by the shards, waiting for the event loop to log and push them")
                .strongReference(true)
                .register(registry);
        slowSubscribers = Counter.builder("vigil.slow.alert.subscribers")
                .description("Alert subscribers disconnected because they did not read their alerts")
                .register(registry);
    }

    /** Counts an alert subscriber disconnected for not reading. */
    void onSlowSubscriber() {
        if (slowSubscribers != null) {
            slowSubscribers.increment();
        }
    }

    /** Counts input lines rejected as malformed. */
    void malformed(int lines) {
        malformed.increment(lines);
    }

    double malformedCount() {
        return malformed.count();
    }

    /**
     * Counts a pushed alert by rule and kind and, for matches whose last event's accept time is known, records
     * the latency. Timeouts are not timed: they fire when time passes the deadline, not because of an event.
     */
    void onAlertPushed(Alert alert, long lastEventAcceptedNanos, long nowNanos) {
        String key = alert.rule() + '\0' + alert.kind().json();
        Counter counter = alertCounters.get(key);
        if (counter == null) {
            counter = Counter.builder("vigil.alerts").description("Alerts pushed, by rule and kind")
                    .tag("rule", alert.rule()).tag("kind", alert.kind().json()).register(registry);
            alertCounters.put(key, counter);
        }
        counter.increment();
        if (alert.kind() == Alert.Kind.MATCH && lastEventAcceptedNanos != AcceptTimes.UNKNOWN) {
            latency.record(Math.max(0, nowNanos - lastEventAcceptedNanos), TimeUnit.NANOSECONDS);
        }
    }

    /** The Prometheus text exposition of every meter. */
    String scrape() {
        if (ingest != null) {
            snapshot = Snapshot.of(ingest.counters());
            register(snapshot.counters());
        }
        return registry.scrape();
    }

    private void register(EngineCounters counters) {
        for (String stream : counters.eventsByStream().keySet()) {
            if (streamsRegistered.add(stream)) {
                FunctionCounter.builder("vigil.events.in", this,
                                m -> m.snapshot.counters().eventsByStream().getOrDefault(stream, 0L))
                        .description("Events offered to the engine, by stream (late ones included)")
                        .tag("stream", stream).register(registry);
                FunctionCounter.builder("vigil.events.out", ingest, i -> i.routed(stream))
                        .description("Events passed on to the engine shards, by stream (on time, read by a rule)")
                        .tag("stream", stream).register(registry);
                FunctionCounter.builder("vigil.late.events", this,
                                m -> m.snapshot.counters().lateByStream().getOrDefault(stream, 0L))
                        .description("Events at or below their stream's watermark: counted, never matched")
                        .tag("stream", stream).register(registry);
            }
        }
        Set<String> running = new HashSet<>();
        for (RuleCounters rule : counters.rules()) {
            String name = rule.rule();
            running.add(name);
            if (!partialMatchGauges.containsKey(name)) {
                partialMatchGauges.put(name, Gauge.builder("vigil.partial.matches", this,
                                m -> m.snapshot.rule(name, RuleCounters::partialMatches))
                        .description("Partial matches held now, by rule").tag("rule", name)
                        .strongReference(true).register(registry));
                evaluationErrorCounters.put(name, FunctionCounter.builder("vigil.evaluation.errors", this,
                                m -> m.snapshot.rule(name, RuleCounters::evaluationErrors))
                        .description("Expressions that met data of the wrong kind or divided by zero, by rule "
                                + "(since the rule's current version)")
                        .tag("rule", name).register(registry));
            }
        }
        partialMatchGauges.entrySet().removeIf(entry -> {
            if (running.contains(entry.getKey())) {
                return false;
            }
            registry.remove(entry.getValue());
            registry.remove(evaluationErrorCounters.remove(entry.getKey()));
            return true;
        });
    }
}
