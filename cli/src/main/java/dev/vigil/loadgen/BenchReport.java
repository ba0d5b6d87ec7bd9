package dev.vigil.loadgen;

import dev.vigil.wire.JsonCodec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link BenchResult} for people (a few aligned lines) or for programs (one JSON object). */
public final class BenchReport {
    private BenchReport() {}

    /** The result as text, one fact per line. */
    public static String text(BenchResult result) {
        BenchSettings s = result.settings();
        Latency latency = result.latency();
        StringBuilder text = new StringBuilder();
        String rate = s.rate() == 0 ? "as fast as acknowledged"
                : String.format(Locale.ROOT, "%,d events/s", s.rate());
        String amount = s.events() > 0 ? String.format(Locale.ROOT, "%,d events", s.events())
                : String.format(Locale.ROOT, "%.1f s", s.durationMs() / 1_000.0);
        String warmup = s.warmupMs() > 0
                ? String.format(Locale.ROOT, " after a %.1f s warm-up", s.warmupMs() / 1_000.0) : "";
        text.append(String.format(Locale.ROOT, "vigil bench: %d connection(s), batch %d, rate %s, %,d keys, %s%s%n",
                s.connections(), s.batch(), rate, s.keys(), amount, warmup));
        text.append(String.format(Locale.ROOT, "events      sent %,d  acknowledged %,d  refused elements %,d%n",
                result.eventsSent(), result.eventsAcknowledged(), result.elementsRefused()));
        text.append(String.format(Locale.ROOT, "throughput  %,.0f events/s (%,d events acknowledged in %.2f s)%n",
                result.eventsPerSecond(), result.measuredEvents(), result.measuredSeconds()));
        text.append(String.format(Locale.ROOT, "alerts      expected %,d  received %,d%n", result.alertsExpected(),
                result.alertsReceived()));
        text.append(String.format(Locale.ROOT, "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  "
                + "(%,d alerts; frame sent to alert received)%n", latency.p50Ms(), latency.p90Ms(), latency.p99Ms(),
                latency.p999Ms(), latency.maxMs(), latency.count()));
        if (result.firstRefusal() != null) {
            text.append("first refusal: ").append(result.firstRefusal()).append('\n');
        }
        for (String problem : result.problems()) {
            text.append("INCOMPLETE: ").append(problem).append('\n');
        }
        return text.toString();
    }

    /** The result as one line of JSON; latencies in milliseconds. */
    public static String json(BenchResult result) {
        BenchSettings s = result.settings();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("url", s.server().base().toString());
        settings.put("durationMs", s.events() > 0 ? null : s.durationMs());
        settings.put("events", s.events() > 0 ? s.events() : null);
        settings.put("rate", s.rate());
        settings.put("batch", s.batch());
        settings.put("keys", s.keys());
        settings.put("connections", s.connections());
        settings.put("warmupMs", s.warmupMs());
        settings.put("seed", s.seed());
        settings.put("inFlight", s.inFlight());
        Latency l = result.latency();
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("count", l.count());
        latency.put("p50", l.p50Ms());
        latency.put("p90", l.p90Ms());
        latency.put("p99", l.p99Ms());
        latency.put("p999", l.p999Ms());
        latency.put("max", l.maxMs());
        latency.put("mean", l.meanMs());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings);
        json.put("eventsSent", result.eventsSent());
        json.put("eventsAcknowledged", result.eventsAcknowledged());
        json.put("elementsRefused", result.elementsRefused());
        json.put("firstRefusal", result.firstRefusal());
        json.put("measuredEvents", result.measuredEvents());
        json.put("measuredSeconds", result.measuredSeconds());
        json.put("eventsPerSecond", Math.round(result.eventsPerSecond()));
        json.put("alertsExpected", result.alertsExpected());
        json.put("alertsReceived", result.alertsReceived());
        json.put("latencyMs", latency);
        json.put("complete", result.complete());
        json.put("problems", result.problems());
        return JsonCodec.value(json);
    }
}
