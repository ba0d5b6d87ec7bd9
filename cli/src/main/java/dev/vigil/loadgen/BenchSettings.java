package dev.vigil.loadgen;

import dev.vigil.client.ServerAddress;

/**
 * What one {@code vigil bench} run does.
 *
 * @param server the server's base URL ({@code http://host:port} or {@code https}) and the bearer token sent with
 *     every request and handshake
 * @param durationMs how long to send after the warm-up; used when {@code events} is 0
 * @param events how many events to send after the warm-up; 0 to send for {@code durationMs} instead
 * @param rate events per second over all connections; 0 sends as fast as the server acknowledges
 * @param batch events per WebSocket message
 * @param keys distinct partition keys, shared out among the connections
 * @param connections parallel {@code /v1/events} sockets, each with its own thread, stream and keys
 * @param warmupMs how long to send before measuring; its events count as sent, not as measured
 * @param seed the seed of the key order, so a run can be repeated exactly
 * @param inFlight unacknowledged messages each connection may have outstanding; this is how the client follows
 *     the server's backpressure
 */
public record BenchSettings(ServerAddress server, long durationMs, long events, long rate, int batch, int keys,
        int connections, long warmupMs, long seed, int inFlight) {
    public BenchSettings {
        if (events < 0) {
            throw new IllegalArgumentException("--events must be at least 1, got " + events);
        }
        if (events == 0 && durationMs <= 0) {
            throw new IllegalArgumentException("--duration must be longer than 0 ms");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be 0 (as fast as accepted) or more, got " + rate);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (connections < 1) {
            throw new IllegalArgumentException("--connections must be at least 1, got " + connections);
        }
        if (keys < connections) {
            throw new IllegalArgumentException("--keys (" + keys + ") must be at least --connections ("
                    + connections + "): each connection owns its own keys");
        }
        if (warmupMs < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, got " + warmupMs);
        }
        if (inFlight < 1) {
            throw new IllegalArgumentException("--in-flight must be at least 1, got " + inFlight);
        }
    }

    /** Events the connection {@code connection} sends after the warm-up when the run counts events. */
    long eventsOf(int connection) {
        return events / connections + (connection < events % connections ? 1 : 0);
    }
}
