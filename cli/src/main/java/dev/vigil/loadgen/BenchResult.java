package dev.vigil.loadgen;

import java.util.List;

/**
 * What a bench run measured.
 *
 * @param eventsSent events sent, warm-up included
 * @param eventsAcknowledged events the server acknowledged as queued for the engine
 * @param elementsRefused events and watermarks the server refused (each with a reason; see {@code firstRefusal})
 * @param firstRefusal the first refusal's reason, or {@code null}
 * @param measuredEvents events of the measured period (after the warm-up) the server acknowledged
 * @param measuredSeconds from the end of the warm-up to the last acknowledgement of those events
 * @param alertsExpected alerts the events sent must produce ({@link KeySequence#expectedAlerts()})
 * @param alertsReceived alerts of the bench rule received by the subscriber
 * @param latency event-to-alert latency of the alerts whose last event was sent in the measured period
 * @param problems what makes the run incomplete; empty when every event was acknowledged and every alert came
 */
public record BenchResult(BenchSettings settings, long eventsSent, long eventsAcknowledged, long elementsRefused,
        String firstRefusal, long measuredEvents, double measuredSeconds, long alertsExpected, long alertsReceived,
        Latency latency, List<String> problems) {
    public BenchResult {
        problems = List.copyOf(problems);
    }

    /** Sustained throughput: measured events acknowledged per second of the measured period. */
    public double eventsPerSecond() {
        return measuredSeconds <= 0 ? 0 : measuredEvents / measuredSeconds;
    }

    public boolean complete() {
        return problems.isEmpty();
    }
}
