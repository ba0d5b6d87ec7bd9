package dev.vigil.loadgen;

import java.util.SplittableRandom;

/**
 * The events of one connection: each one picks one of the connection's keys at random (seeded), and the key's
 * events alternate {@code a}, then {@code b} for one key in {@value #MATCHING_KEY_EVERY} (a match of
 * {@link BenchRule}), else {@code c} (which breaks the strict {@code a b} and matches nothing).
 *
 * <p>So every {@code b} completes exactly one match, and the alerts a run must produce are the {@code b} events it
 * sent: {@link #expectedAlerts()}, computed from the data rather than assumed. Connection {@code c} of {@code n}
 * owns the keys {@code c, c + n, c + 2n, ...}, so a key's events travel in order on one socket.
 *
 * <p><b>Not thread-safe:</b> owned by one sending connection.
 */
public final class KeySequence {
    /** One key in this many completes matches; the others only start partial matches. */
    public static final int MATCHING_KEY_EVERY = 10;

    private final SplittableRandom random;
    private final int connection;
    private final int connections;
    private final int[] rounds;
    private int key;
    private char type;
    private long expectedAlerts;

    private KeySequence(SplittableRandom random, int connection, int connections, int keys) {
        this.random = random;
        this.connection = connection;
        this.connections = connections;
        this.rounds = new int[(keys - connection + connections - 1) / connections];
    }

    /** One sequence per connection, sharing out {@code keys} keys; the same arguments give the same events. */
    public static KeySequence[] forConnections(int keys, int connections, long seed) {
        if (keys < connections || connections < 1) {
            throw new IllegalArgumentException(keys + " keys for " + connections + " connections");
        }
        SplittableRandom root = new SplittableRandom(seed);
        KeySequence[] sequences = new KeySequence[connections];
        for (int c = 0; c < connections; c++) {
            sequences[c] = new KeySequence(root.split(), c, connections, keys);
        }
        return sequences;
    }

    /** Moves to the next event; read it with {@link #key()} and {@link #type()}. */
    public void next() {
        int local = random.nextInt(rounds.length);
        int round = rounds[local]++;
        key = connection + local * connections;
        if ((round & 1) == 0) {
            type = 'a';
        } else if (local % MATCHING_KEY_EVERY == 0) {
            type = 'b';
            expectedAlerts++;
        } else {
            type = 'c';
        }
    }

    /** The current event's key number, unique over all connections. */
    public int key() {
        return key;
    }

    /** The current event's type: {@code 'a'}, {@code 'b'} or {@code 'c'}. */
    public char type() {
        return type;
    }

    /** Matches the events so far must produce: the {@code b} events among them. */
    public long expectedAlerts() {
        return expectedAlerts;
    }
}
