package dev.vigil.connectors;

/**
 * A destination of alerts. {@link #offer} never blocks and never throws for a receiver's trouble: an alert the
 * sink cannot take (its queue is full, or it is closed) is dropped and counted in {@link #stats}.
 *
 * <p><b>Thread-safe:</b> {@code offer} and {@code stats} may be called from any thread.
 */
public interface Sink {
    /**
     * Queues one alert for delivery and returns at once.
     *
     * @param alertId the alert's deterministic id: receivers de-duplicate by it
     * @param rule the rule that raised the alert
     * @param json the alert as its JSON object, one line
     * @return whether the alert was queued; false when it was dropped (and counted)
     */
    boolean offer(String alertId, String rule, String json);

    /** The counters and queue depth now. */
    SinkStats stats();

    /**
     * What the sink is doing, for people (rule status), when it has more to say than its counters (a Kafka sink:
     * connecting, delivering, failing and why); null otherwise.
     */
    default String state() {
        return null;
    }

    /**
     * Stops the sink: alerts still queued are written (file, log) or dropped and counted (webhook: retrying
     * them could take minutes). May wait briefly for a writer thread; never call it on an event loop.
     */
    void close();
}
