package dev.vigil.bench;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.Offer;
import java.util.Map;
import org.openjdk.jmh.infra.Blackhole;

/**
 * An engine in processing time (events matched on arrival, no buffering, no watermark) running one workload's rule,
 * for the micro benchmarks that offer single events through the public API: alerts and late events go to the
 * blackhole.
 */
final class EngineProbe {
    private EngineProbe() {}

    static Engine start(Workload workload, Blackhole blackhole) {
        return new Engine(workload.rules(), EngineConfig.defaults().withTimeMode(EngineConfig.TimeMode.PROCESSING),
                new EngineListener() {
                    @Override
                    public void onAlert(Alert alert) {
                        blackhole.consume(alert);
                    }

                    @Override
                    public void onLateEvent(LateEvent late) {
                        throw new IllegalStateException("processing time has no late events: " + late.reason());
                    }
                });
    }

    static Event event(String key, String type, long value, long ts) {
        return new Event("events", ts, value, Map.of("key", key, "type", type, "value", value));
    }

    /** Offers {@code event}, which must be accepted. */
    static void offer(Engine engine, Event event) {
        Offer offer = engine.offer(event);
        if (offer != Offer.ACCEPTED) {
            throw new IllegalStateException(event + " was " + offer);
        }
    }
}
