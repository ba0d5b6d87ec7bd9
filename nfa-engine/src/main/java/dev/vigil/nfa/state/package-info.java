/**
 * Engine state snapshots: {@link dev.vigil.nfa.Engine#snapshot} writes an engine's whole state to bytes,
 * {@link dev.vigil.nfa.Engine#restore} rebuilds an engine that continues exactly where the snapshotted one was
 * (same alerts, same ids, same order, same counters); {@link dev.vigil.nfa.Engine#startSnapshot} writes the same
 * bytes in slices while the engine goes on (copy on write). The server takes one per shard at each checkpoint, in
 * slices between event batches on the shard's thread, and restores them at start before replaying the ingest log.
 *
 * <p>Pipeline position: beside the runtime. {@link dev.vigil.nfa.state.EngineSnapshot} is the entry point;
 * the object graphs come from {@link dev.vigil.nfa.runtime.RuleRuntimeState} and
 * {@link dev.vigil.nfa.match.PartialMatchesGraph}, which know their packages' internals; this package only knows
 * bytes. Threading: a snapshot is written and read by the thread that owns the engine; nothing here is shared.
 *
 * <h2>Format, version 6</h2>
 * <pre>
 * snapshot  = int MAGIC ("VGSN", 0x5647534E), int VERSION (6)    big-endian, through DataOutput
 *             chunk* , int 0 , int CRC-32 of every chunk's payload
 * chunk     = int length (1 .. 2^20), payload bytes               the payloads concatenated form the body
 * body      = varint timeMode, varint sliceIndex, varint sliceCount,
 *             bool inStore, [varint storeRules, long token]   only if inStore: the keys are in a store checkpoint
 *             long unrouted, long processingTimeMs, varint n, clock * n, varint n, rule * n
 * clock     = name stream, long delayMs, long maxSeen, long watermark, long events, long late
 * rule      = name, fixed64 * 4 (RuleShape: pattern, conditions, partition key, streams),
 *             long round, long arrivals, long watermark, long eventsIn, long matches, long timeouts, long dropped,
 *             long workBoundTrips, long evictedKeys, long evaluationErrors, long droppedOnReplace,
 *             varint maxKeys, varint keys,
 *             varint waiting, varint timers,
 *             key * keys, waiting * waiting, timer * timers                      without inStore
 *           | ... varint timers, stored, storedWaiting * waiting, storedTimer * timers   with inStore
 *             long suppressedAlerts, varint n, suppress * n      (SUPPRESS FOR, in first-alert order; both forms)
 *             long windowEventsEvicted, varint n, window * n      (OVER windows, in first-event order)
 * window    = keyValue, varint n, (long time, event) * n      the key's window events, oldest first
 * suppress  = keyValue, long lastEmitted                      the time of the key's last emitted alert
 * key       = keyValue, varint waitingEvents, long scheduledDeadline, long advancedTo, long round,
 *             long heldSince (0: no partial match; else the key's place in the order of eviction), matches
 * waiting   = event, varint key number (0-based, order of the keys above), long arrival
 * timer     = long deadline, varint key number + 1 (0: a stale timer, see RuleRuntimeState), long order
 * stored    = varint rule number in the store (&lt; storeRules), long incarnations, varint holders,
 *             long lastHeldSince, long partialMatches
 * storedWaiting = event, keyValue, long arrival
 * storedTimer   = long deadline, bool hasKey, [keyValue, long incarnation], long order   no key: a stale timer
 * matches   = long nextSerial, bool newStart, varint n, long timer * n, varint liveEntries, varint liveNodes,
 *             long lastTimestamp, varint nextId, varint entries, varint nodes, varint runs, varint completed,
 *             entry * entries, node * nodes, edge * (sum of the nodes' edge counts, node by node),
 *             run * runs, run * completed
 * entry     = event, long timestamp, varint id, long refs, bool removed
 * node      = varint entry number, varint variable, long refs, bool removed, varint edge count
 * edge      = varint target node number + 1 (0: none, the run's start), version, long refs
 * run       = varint state, varint node number + 1, version, long startTs, long previousTs,
 *             varint start entry number + 1, long serial
 * version   = varint length (&gt;= 1), varint digit * length
 * event     = varint 0, name stream, long timestamp, long sequence, long identity - sequence, map fields
 *                                                          first time in the snapshot
 *           | varint n                                     the n-th event written (1-based), shared by identity
 * name      = varint 0, string   (then numbered, up to 4096 names) | varint n   (the n-th name, 1-based)
 * string    = varint UTF-16 length, each char in 1-3 bytes (UTF-8 style, surrogates one by one)
 * value     = byte tag (ValueTags), payload: long zigzag for Long/Integer/Short/Byte, 8 raw bytes for Double,
 *             4 for Float, string, varint n + values for a list, map for a map, bytes for BigInteger,
 *             bytes + long scale for BigDecimal
 * map       = varint n, (name, value) * n                     restored as a LinkedHashMap in the same order
 * keyValue  = value | tag GLOBAL_KEY | tag NULL_KEY           a list key is restored unmodifiable
 * varint    = unsigned LEB128;  long = zigzag LEB128;  bool = one byte 0 or 1;  fixed64 = 8 bytes big-endian
 * </pre>
 *
 * <p>Version 1 lacked {@code workBoundTrips}, {@code evictedKeys} and {@code heldSince}; it is still read (as 0, 0
 * and 0: the keys holding partial matches are then ordered for eviction as they are visited), so savepoints of
 * earlier builds restore. Versions 1 and 2 lacked {@code droppedOnReplace} (partial matches of replaced versions
 * the rule did not keep, see {@link dev.vigil.nfa.state.Replacement}); it is read as 0. Versions 1 to 3 lacked
 * each event's identity ({@link dev.vigil.nfa.Event#identity}, what alert ids derive from); it is read as the
 * event's sequence, which is what those versions derived alert ids from. Versions 1 to 5 lacked the
 * {@code SUPPRESS FOR} state and the windowed aggregates' events after the timers (nothing suppressed, no period
 * under way, no window events).
 *
 * <p>Version 5 added {@code inStore}: a snapshot of an engine keeping key state in RocksDB may leave the key states
 * in RocksDB's own checkpoint ({@link dev.vigil.nfa.Engine#startSnapshot(java.io.DataOutput, java.nio.file.Path)}:
 * hard links to its table files, written at the snapshot's start after every changed cached state was written
 * back) and hold only what lives on the heap: counters, clocks, waiting events and timers, which then name their
 * keys by value (and timers the incarnation of the state they were set for). The store keeps each rule's states
 * under the rule's number, which a restore gives the rule again; the {@code token} is also stored in the
 * checkpoint, so a restore given another checkpoint refuses it. Such a snapshot is not portable between backends;
 * one without {@code inStore} (every heap snapshot, and every savepoint) is.
 *
 * <p>Compatibility: a change to the format bumps {@link dev.vigil.nfa.state.EngineSnapshot#VERSION}; a reader
 * accepts the versions it knows, and another is rejected with a message that names them (the server falls back to
 * replaying the ingest log). Corrupt content is reported as
 * {@link dev.vigil.nfa.state.SnapshotFormatException}: structural checks catch most damage while reading, and
 * the checksum catches the rest before any restored state is used.
 */
package dev.vigil.nfa.state;
