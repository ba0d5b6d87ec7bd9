package dev.vigil.server;

import dev.vigil.nfa.Alert;

/** Where a shard hands its alerts. Called on the shard's thread: must return at once, never block. */
@FunctionalInterface
interface AlertSink {
    void publish(Alert alert);
}
