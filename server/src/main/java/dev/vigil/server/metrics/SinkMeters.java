package dev.vigil.server.metrics;

import dev.vigil.connectors.Sink;
import dev.vigil.connectors.SinkStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The {@code /metrics} meters of each open sink, tagged {@code sink=<name>, type=<type>}: counters of delivered
 * alerts, failed attempts, retries, dropped and refused alerts, and a gauge of the alerts queued. The meters read
 * the sink's {@link Sink#stats} when scraped; nothing is recorded per alert.
 *
 * <p><b>Not thread-safe:</b> confined to the server's event loop, like the {@code SinkRouter} that calls it.
 */
public final class SinkMeters {
    private final MeterRegistry registry;
    private final Map<String, List<Meter>> bySink = new HashMap<>();

    public SinkMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public void register(String name, String type, Sink sink) {
        List<Meter> meters = new ArrayList<>();
        meters.add(counter("vigil.sink.delivered", "Alerts a sink delivered (2xx answer, line written)", name, type,
                sink, SinkStats::delivered));
        meters.add(counter("vigil.sink.failed", "Failed delivery attempts of a sink (errors, timeouts, non-2xx)",
                name, type, sink, SinkStats::failed));
        meters.add(counter("vigil.sink.retries", "Delivery attempts that repeated a failed one", name, type, sink,
                SinkStats::retries));
        meters.add(counter("vigil.sink.dropped", "Alerts a sink gave up: queue full, refused, out of retries", name,
                type, sink, SinkStats::dropped));
        meters.add(counter("vigil.sink.refused", "Alerts a sink named in rule text did not send: its target "
                + "resolved to a denied address or led out of the sink folder", name, type, sink, SinkStats::refused));
        meters.add(Gauge.builder("vigil.sink.queue.depth", sink, s -> s.stats().queued())
                .description("Alerts a sink holds: waiting, in flight or waiting to retry")
                .tag("sink", name).tag("type", type).strongReference(true).register(registry));
        bySink.put(name, meters);
    }

    public void remove(String name) {
        List<Meter> meters = bySink.remove(name);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    private Meter counter(String meter, String description, String name, String type, Sink sink,
            ToDoubleFunction<SinkStats> read) {
        return FunctionCounter.builder(meter, sink, s -> read.applyAsDouble(s.stats())).description(description)
                .tag("sink", name).tag("type", type).register(registry);
    }
}
