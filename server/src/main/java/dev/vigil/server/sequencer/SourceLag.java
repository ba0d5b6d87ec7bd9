package dev.vigil.server.sequencer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * How far behind each event source is, for {@code /metrics}: two gauges per source, by its name ({@code ?source=},
 * else {@code ws-N} for a WebSocket connection, {@code http} for {@code POST /v1/events}).
 * <ul>
 *   <li>{@code vigil_source_silence_seconds}: time since the source's last message (events or a watermark), by the
 *       sequencer's clock: what the idle timeout ({@code sourceIdleTimeout}) is compared with.</li>
 *   <li>{@code vigil_source_lag_seconds}: the wall clock minus the newest event time the source has sent (over its
 *       streams): how far its events trail real time. Events with made-up or replayed times (the examples' small
 *       timestamps, a backfill) show a large lag; NaN before the source's first event.</li>
 * </ul>
 * The sequencer publishes the sources at most once per {@link #PUBLISH_EVERY_NANOS} of its clock (on its idle
 * check, never per event), so both are as of up to that long ago; a source that goes away loses its gauges at the
 * next scrape after that.
 *
 * <p><b>Threading:</b> {@link #publish} on the sequencer's thread; {@link #refresh} on the scraping thread (one at a
 * time); the published map is immutable.
 */
public final class SourceLag {
    static final long PUBLISH_EVERY_NANOS = 1_000_000_000L;

    /** One source as published: when it was last heard from ({@code nanoClock}), and its newest event time. */
    private record View(long lastHeardNanos, long newestEventMs) {}

    private final LongSupplier nanoClock;
    private volatile Map<String, View> published = Map.of();
    private long nextPublishNanos = Long.MIN_VALUE;
    /** Scraping thread only: the gauges of each source registered so far. */
    private final Map<String, List<Meter>> meters = new HashMap<>();

    SourceLag(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Publishes {@code sources} when the last publication is old enough; on the sequencer's thread. */
    void publish(List<EventSource> sources, long nowNanos) {
        if (nextPublishNanos != Long.MIN_VALUE && nowNanos - nextPublishNanos < 0) {
            return;
        }
        nextPublishNanos = nowNanos + PUBLISH_EVERY_NANOS;
        Map<String, View> views = new HashMap<>();
        for (EventSource source : sources) {
            long newest = Long.MIN_VALUE;
            for (SourceStream stream : source.streams.values()) {
                newest = Math.max(newest, stream.maxSeen);
            }
            View view = new View(source.lastActiveNanos, newest);
            // two connections may give the same name: the source is as recent as its most recent one
            views.merge(source.name(), view, (a, b) -> new View(Math.max(a.lastHeardNanos, b.lastHeardNanos),
                    Math.max(a.newestEventMs, b.newestEventMs)));
        }
        published = Map.copyOf(views);
    }

    /** Registers the gauges of sources published since the last call, and removes those of sources gone. */
    public void refresh(MeterRegistry registry) {
        Map<String, View> now = published;
        for (String name : now.keySet()) {
            if (!meters.containsKey(name)) {
                meters.put(name, List.of(
                        gauge(registry, name, "vigil.source.silence", "Time since the source's last message",
                                view -> (nanoClock.getAsLong() - view.lastHeardNanos) / 1e9),
                        gauge(registry, name, "vigil.source.lag", "Wall-clock time minus the newest event time the "
                                + "source sent (NaN before its first event)",
                                view -> view.newestEventMs == Long.MIN_VALUE ? Double.NaN
                                        : (System.currentTimeMillis() - view.newestEventMs) / 1e3)));
            }
        }
        meters.entrySet().removeIf(source -> {
            if (now.containsKey(source.getKey())) {
                return false;
            }
            source.getValue().forEach(registry::remove);
            return true;
        });
    }

    private Meter gauge(MeterRegistry registry, String source, String name, String description,
            ToDoubleFunction<View> value) {
        return Gauge.builder(name, this, self -> {
            View view = self.published.get(source);
            return view == null ? Double.NaN : value.applyAsDouble(view);
        }).baseUnit("seconds").description(description).tag("source", source).strongReference(true)
                .register(registry);
    }
}
