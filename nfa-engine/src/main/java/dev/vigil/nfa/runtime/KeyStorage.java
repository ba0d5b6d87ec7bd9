package dev.vigil.nfa.runtime;

import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.program.Nfa;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the rule runtimes of one engine keep their key states: on the heap ({@link HeapKeyStore}, the default), or
 * serialized into a host's {@link KeyStore} ({@link SerializedKeyStore}), where every rule of the engine has its own
 * four-byte number. Owns the store: {@link #close} closes it.
 *
 * <p><b>Not thread-safe:</b> owned by one engine.
 */
public final class KeyStorage implements AutoCloseable {
    private static final KeyStorage HEAP = new KeyStorage(null, null, null, null);

    private final KeyStore store;
    private final Function<Nfa, KeyStateFormat> formats;
    /** The keys some rule of the engine may hold ({@link RuleDispatch}); heap storage of one engine only. */
    private final KeyPresence presence;
    /** The decoded states cached in front of the store, over every rule; null with heap storage. */
    private final SerializedKeyStore.Cache cache;
    private int nextRule;

    private KeyStorage(KeyStore store, Function<Nfa, KeyStateFormat> formats, KeyPresence presence,
            SerializedKeyStore.Cache cache) {
        this.store = store;
        this.formats = formats;
        this.presence = presence;
        this.cache = cache;
    }

    public static KeyStorage heap() {
        return HEAP;
    }

    /**
     * Heap storage for the rules of one engine, which also keeps which keys some rule may hold (its
     * {@link RuleDispatch} visits only the rules an event can start at a key holding nothing).
     */
    public static KeyStorage heapOfOneEngine() {
        return new KeyStorage(null, null, new KeyPresence(), null);
    }

    /** What {@link RuleDispatch} asks whether a key may hold a state in some rule; null when not kept. */
    KeyPresence presence() {
        return presence;
    }

    /**
     * Key states serialized into {@code store}, each rule's with the format {@code formats} gives for its NFA, and
     * the states of up to {@code cachedKeys} keys over every rule cached decoded in front of it.
     */
    public static KeyStorage serialized(KeyStore store, Function<Nfa, KeyStateFormat> formats, int cachedKeys) {
        return new KeyStorage(store, formats, null, new SerializedKeyStore.Cache(cachedKeys));
    }

    /**
     * As {@link #serialized(KeyStore, Function, int)}, over a store opened from its checkpoint: the rules numbered
     * below {@code firstRule} are the checkpoint's, so the rules made here are numbered from it on (a restored rule
     * then takes the number it had: {@link RuleRuntimeState.Restorer#inStore}).
     */
    public static KeyStorage serialized(KeyStore store, Function<Nfa, KeyStateFormat> formats, int cachedKeys,
            int firstRule) {
        KeyStorage storage = serialized(store, formats, cachedKeys);
        storage.nextRule = firstRule;
        return storage;
    }

    /** Whether key states are in a store, which can take checkpoints of its own ({@link #checkpoint}). */
    public boolean inStore() {
        return store != null;
    }

    /** The number the next rule's store gets: every rule of the store is numbered below. */
    public int nextRule() {
        return nextRule;
    }

    /**
     * Writes the store as it is now into {@code folder} ({@link KeyStore#checkpoint}), marked with {@code token}
     * (stored under a key no rule uses), which {@link #token} reads back from a store opened from it. The rules'
     * changed cached states must have been written back first ({@link RuleRuntimeState#capture}).
     */
    public void checkpoint(Path folder, long token) {
        store.put(TOKEN_KEY, longBytes(token));
        store.checkpoint(folder);
    }

    /** The token of the checkpoint the store was opened from, or null when it has none. */
    public Long token() {
        byte[] value = store.get(TOKEN_KEY);
        if (value == null || value.length != Long.BYTES) {
            return null;
        }
        long token = 0;
        for (byte b : value) {
            token = token << 8 | (b & 0xFF);
        }
        return token;
    }

    /** Deletes rule number {@code rule}'s states from the store: a rule of its checkpoint that was not restored. */
    public void discardRule(int rule) {
        SerializedKeyStore.delete(store, rule);
    }

    /** Beyond every rule's states and index of holders (rule numbers stay below 2^31 - 1). */
    private static final byte[] TOKEN_KEY = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0};

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[Long.BYTES];
        for (int i = 0; i < Long.BYTES; i++) {
            bytes[i] = (byte) (value >>> (8 * (Long.BYTES - 1 - i)));
        }
        return bytes;
    }

    /** Key states serialized into {@code store} with no cache: each written back as soon as the engine is done. */
    public static KeyStorage serialized(KeyStore store, Function<Nfa, KeyStateFormat> formats) {
        return serialized(store, formats, 0);
    }

    /**
     * A store for one rule runtime, counting its keys holding partial matches in {@code share}; a serialized one under a
     * rule number no other store of this storage has.
     */
    KeyStateStore newStore(Matcher matcher, Nfa nfa, KeyBudget.Share share) {
        if (store == null) {
            return new HeapKeyStore(matcher, share, presence);
        }
        return new SerializedKeyStore(store, nextRule++, matcher, formats.apply(nfa), share, cache);
    }

    /** Closes the key store, if any; its content is garbage then. */
    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
