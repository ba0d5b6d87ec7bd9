package dev.vigil.nfa.runtime;

import dev.vigil.nfa.KeyStore;
import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.program.Nfa;
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
