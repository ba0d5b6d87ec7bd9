package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.Matcher;
import java.io.IOException;
import java.util.HashMap;

/**
 * The default {@link KeyStore}: a {@code HashMap} of live states, nothing to load or write back.
 *
 * <p>A restore refills the map, in the order a snapshot visited it, into a map of the capacity the snapshotted one
 * had ({@code HashMap} doubles past three quarters full and never shrinks, so its capacity follows from the most
 * keys it ever held): the restored map iterates in the same order and a second snapshot has the same bytes.
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class HeapKeyStore implements KeyStore, KeyStore.Numbers {
    private final Matcher matcher;
    private HashMap<Object, KeyState> keys = new HashMap<>();

    HeapKeyStore(Matcher matcher) {
        this.matcher = matcher;
    }

    @Override
    public KeyState get(Object key) {
        return keys.get(key);
    }

    @Override
    public void add(KeyState state) {
        if (keys.putIfAbsent(state.key, state) != null) {
            throw new IllegalArgumentException("key " + state.key + " twice");
        }
    }

    @Override
    public void put(KeyState state) {
        // in memory already
    }

    @Override
    public void release(KeyState state) {
        // in memory already
    }

    @Override
    public void remove(KeyState state) {
        keys.remove(state.key);
    }

    @Override
    public int size() {
        return keys.size();
    }

    @Override
    public long partialMatchCount() {
        long held = 0;
        for (KeyState state : keys.values()) {
            held += matcher.partialMatchCount(state.partialMatches);
        }
        return held;
    }

    /** Numbers the states through their mark field: a million keys hash nothing more than their lookups. */
    @Override
    public Numbers visit(Visitor visitor) throws IOException {
        int number = 0;
        try {
            for (KeyState state : keys.values()) {
                state.mark = ++number;
                visitor.key(state);
            }
        } catch (IOException | RuntimeException e) {
            done();
            throw e;
        }
        return this;
    }

    @Override
    public int of(Object key, long incarnation) {
        KeyState state = keys.get(key);
        if (state == null || (incarnation != ANY && state.incarnation != incarnation)) {
            return -1;
        }
        return state.mark - 1;
    }

    @Override
    public void done() {
        for (KeyState state : keys.values()) {
            state.mark = 0;
        }
    }

    @Override
    public void presize(int mostKeys) {
        int capacity = 16;
        while (mostKeys > capacity / 4 * 3) {
            capacity *= 2;
        }
        keys = new HashMap<>(capacity);
    }

    @Override
    public void clear() {
        keys = new HashMap<>();
    }
}
