/**
 * Event-time execution of compiled rules: stream clocks and watermarks, per (rule, key) state tables,
 * buffering until the watermark passes, timers and alert construction. Driven by {@link dev.vigil.nfa.Engine};
 * every class here is owned by one engine and one thread.
 *
 * <p>Key state sits behind {@code KeyStateStore}: {@code HeapKeyStore} (a hash table chained through the states,
 * the default) or {@code SerializedKeyStore} (one {@link dev.vigil.nfa.KeyStore} per engine, RocksDB or a host's,
 * chosen by {@code KeyStorage}; each key's state serialized by a {@code KeyStateFormat}, the snapshot format's
 * pieces, loaded when the key is touched and written back when it settles). Waiting events and timers stay on the
 * heap and hold states (heap) or name keys (serialized). Snapshots are the same for both backends.
 */
package dev.vigil.nfa.runtime;
