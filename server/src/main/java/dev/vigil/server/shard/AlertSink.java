package dev.vigil.server.shard;

import dev.vigil.nfa.Alert;

/** Where a shard hands its alerts. Called on the shard's thread: must return at once, never block. */
@FunctionalInterface
public interface AlertSink {
    void publish(Alert alert);

    /**
     * Publishes an alert with the {@code System.nanoTime()} at which the server accepted its last event
     * ({@link AcceptTimes#UNKNOWN} when not known), for the event-to-alert latency.
     */
    default void publish(Alert alert, long lastEventAcceptedNanos) {
        publish(alert);
    }

    /**
     * Runs {@code action} once every alert published before this call (from this thread) has been logged, which is
     * when a checkpoint taken before those alerts may count as complete: a restart from it must not regenerate an
     * alert the log never got. Called on a shard thread; the action runs on whichever thread logs alerts.
     */
    default void afterEarlierAlerts(Runnable action) {
        action.run();
    }
}
