package dev.vigil.server.metrics;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.RuleCounters;
import dev.vigil.server.shard.AcceptTimes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
public final class ServerMetrics {
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
    private Supplier<EngineCounters> counters;
    private ToLongFunction<String> routed;
    /** The engine's counters as of the current scrape: taken once per scrape, read by every engine meter. */
    private volatile Snapshot snapshot = new Snapshot(
            new EngineCounters(Map.of(), Map.of(), 0, List.of()), Map.of());

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
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
    private final Counter malformed;
    private final Counter suppressed;
    private final Timer latency;
    private final Counter slowSubscribers;
    private final Map<String, Counter> alertCounters = new HashMap<>();   // key: rule + '\0' + kind
    private final Set<String> streamsRegistered = new HashSet<>();
    /** Each running rule's meters, registered when it is first seen and removed with it. */
    private final Map<String, List<Meter>> ruleMeters = new HashMap<>();
    /** When a rule's counters start from zero: a version that kept its predecessor's partial matches counts on. */
    private static final String AFRESH = "its deployment, or a replacement that dropped its partial matches";

    public ServerMetrics() {
        bindJvmAndProcess();
        this.malformed = Counter.builder("vigil.malformed.events")
                .description("Input lines rejected as malformed (bad JSON, unknown stream, wrong field types)")
                .register(registry);
        this.suppressed = Counter.builder("vigil.alerts.suppressed")
                .description("Alerts regenerated by recovery that the alert log already held: not emitted again")
                .register(registry);
        this.slowSubscribers = Counter.builder("vigil.slow.alert.subscribers")
                .description("Alert subscribers disconnected because they did not read their alerts")
                .register(registry);
        for (String reason : new String[] {"origin", "host", "content_type", "transfer_encoding", "utf8"}) {
            refusedCounter(reason);   // every reason shows, at 0, before its first refusal
        }
        this.latency = Timer.builder("vigil.alert.latency")
                .description("Wall-clock time from accepting a match's last event to pushing the alert")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /**
     * The JVM's and the process's meters, one Micrometer binder each, under the names JVM dashboards already know
     * ({@code jvm_memory_used_bytes}, {@code jvm_gc_pause_seconds}, {@code jvm_threads_live_threads},
     * {@code process_cpu_usage}, {@code process_uptime_seconds}, ...), and {@code vigil_build_info}: written by hand
     * they would be the same code, less tested.
     */
    private void bindJvmAndProcess() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        BuildInfo build = BuildInfo.current();
        Gauge.builder("vigil.build.info", () -> 1).description("Always 1: the version and git commit of this build")
                .tag("version", build.version()).tag("commit", build.commit()).register(registry);
    }

    /** Stops listening to the JVM's garbage collection notifications (the server stops; its registry goes). */
    public void close() {
        gc.close();
    }

    /**
     * Runs {@code refresh} before each scrape, on the scraping thread: for stages whose meters come and go (one per
     * event source), registered and removed there.
     */
    public void beforeScrape(Runnable refresh) {
        beforeScrape.add(refresh);
    }

    /** The registry behind {@code /metrics}, for meters kept elsewhere ({@link SinkMeters}). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /**
     * Starts reading the engine's counters ({@code counters}: every shard's latest, summed per rule, with the
     * per-stream counts of the door) and the events passed on to the shards per stream ({@code routed}); once, before
     * the first scrape. The stages register their own gauges (queue depths, pauses, subscribers) on {@link #registry}.
     */
    public void attach(Supplier<EngineCounters> counters, ToLongFunction<String> routed) {
        if (this.counters != null) {
            throw new IllegalStateException("metrics already attached");
        }
        this.counters = counters;
        this.routed = routed;
        FunctionCounter.builder("vigil.unrouted.events", this, m -> m.snapshot.counters().unrouted())
                .description("Events of streams no deployed rule reads: counted and ignored")
                .register(registry);
    }

    /** Counts an alert not emitted again because the alert log already holds it (a replay after a restart). */
    public void onAlertSuppressed() {
        suppressed.increment();
    }

    /** Counts an alert subscriber disconnected for not reading. */
    public void onSlowSubscriber() {
        slowSubscribers.increment();
    }

    /** Counts input lines rejected as malformed. */
    public void malformed(int lines) {
        malformed.increment(lines);
    }

    /**
     * Counts a request refused before any handler ran, by {@code reason}: {@code origin}, {@code host},
     * {@code content_type} (the cross-site guard), {@code transfer_encoding}, {@code utf8} (strict request checks).
     */
    public void refused(String reason) {
        refusedCounter(reason).increment();
    }

    private Counter refusedCounter(String reason) {
        return Counter.builder("vigil.requests.refused")
                .description("Requests refused as a web page's doing or as malformed HTTP, by reason")
                .tag("reason", reason).register(registry);
    }

    double malformedCount() {
        return malformed.count();
    }

    /**
     * Counts a pushed alert by rule and kind and, for matches whose last event's accept time is known, records
     * the latency. Timeouts are not timed: they fire when time passes the deadline, not because of an event.
     */
    public void onAlertPushed(Alert alert, long lastEventAcceptedNanos, long nowNanos) {
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
    public String scrape() {
        for (Runnable refresh : beforeScrape) {
            refresh.run();
        }
        if (counters != null) {
            snapshot = Snapshot.of(counters.get());
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
                FunctionCounter.builder("vigil.events.out", routed, r -> r.applyAsLong(stream))
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
            if (!ruleMeters.containsKey(name)) {
                List<Meter> meters = new ArrayList<>();
                meters.add(Gauge.builder("vigil.partial.matches", this,
                                m -> m.snapshot.rule(name, RuleCounters::partialMatches))
                        .description("Partial matches held now, by rule").tag("rule", name)
                        .strongReference(true).register(registry));
                meters.add(FunctionCounter.builder("vigil.evaluation.errors", this,
                                m -> m.snapshot.rule(name, RuleCounters::evaluationErrors))
                        .description("Expressions that met data of the wrong kind or divided by zero, by rule "
                                + "(since " + AFRESH + ")")
                        .tag("rule", name).register(registry));
                meters.add(FunctionCounter.builder("vigil.dropped.partial.matches", this,
                                m -> m.snapshot.rule(name, RuleCounters::droppedPartialMatches))
                        .description("Partial matches dropped by the partial-match bound per key, the work bound "
                                + "per event or the eviction of their key, by rule (since " + AFRESH + ")")
                        .tag("rule", name).register(registry));
                meters.add(FunctionCounter.builder("vigil.work.bound.exceeded", this,
                                m -> m.snapshot.rule(name, RuleCounters::workBoundTrips))
                        .description("Events that needed more work on a key than maxWorkPerEvent (the key's partial "
                                + "matches were dropped): a rule whose cost per event is anomalous, by rule")
                        .tag("rule", name).register(registry));
                meters.add(FunctionCounter.builder("vigil.evicted.keys", this,
                                m -> m.snapshot.rule(name, RuleCounters::evictedKeys))
                        .description("Keys whose partial matches were dropped because more keys held some than "
                                + "maxKeysPerRule or maxKeys allow, by rule (since " + AFRESH + ")")
                        .tag("rule", name).register(registry));
                meters.add(FunctionCounter.builder("vigil.partial.matches.dropped.on.replace",
                                this, m -> m.snapshot.rule(name, RuleCounters::partialMatchesDroppedOnReplace))
                        .description("Partial matches of a replaced version of the rule that its new version did not "
                                + "keep (a changed pattern, condition, key or stream), by rule")
                        .tag("rule", name).register(registry));
                meters.add(FunctionCounter.builder("vigil.suppressed.alerts", this,
                                m -> m.snapshot.rule(name, RuleCounters::suppressedAlerts))
                        .description("Alerts not emitted because their key alerted less than the rule's SUPPRESS FOR "
                                + "period before, by rule (since " + AFRESH + ")")
                        .tag("rule", name).register(registry));
                meters.add(FunctionCounter.builder("vigil.window.events.evicted", this,
                                m -> m.snapshot.rule(name, RuleCounters::windowEventsEvicted))
                        .description("Events that left a key's OVER (LAST d) window before their time because the "
                                + "key held the most events a window keeps, by rule (since " + AFRESH + ")")
                        .tag("rule", name).register(registry));
                ruleMeters.put(name, meters);
            }
        }
        ruleMeters.entrySet().removeIf(entry -> {
            if (running.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().forEach(registry::remove);
            return true;
        });
    }
}
