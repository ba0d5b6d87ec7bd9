package dev.vigil.nfa;

import dev.vigil.nfa.runtime.KeyBudget;
import dev.vigil.nfa.runtime.KeyStorage;
import dev.vigil.nfa.runtime.RuleDispatch;
import dev.vigil.nfa.runtime.RuleRuntime;
import dev.vigil.nfa.runtime.StreamClock;
import dev.vigil.nfa.state.EngineSnapshot;
import dev.vigil.nfa.state.KeyStateCodec;
import dev.vigil.nfa.state.Replacement;
import dev.vigil.nfa.state.SnapshotFormatException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a set of compiled rules over a stream of events: the engine's whole public surface. A host (the CLI,
 * the server's shards, a batch job) offers events and watermarks and receives alerts and late events through
 * its {@link EngineListener}.
 *
 * <p><b>Time.</b> In event time, each stream has a clock whose watermark is its largest timestamp seen minus its
 * watermark delay minus one (Flink's bounded-out-of-orderness rule); a rule's watermark is the smallest of its
 * streams' watermarks. Events wait per rule until the rule's watermark passes them and are then matched in
 * timestamp order (ties in arrival order); timers (WITHIN expiry, absence, timeouts) fire as the watermark
 * passes them. An event at or below its stream's watermark is late: reported and counted, never matched.
 * {@link #finish()} raises every watermark to +infinity. In processing time, events are matched on arrival,
 * stamped with the processing time the host last gave through {@link #advanceProcessingTime}; the engine
 * never reads a clock itself.
 *
 * <p><b>Keys.</b> State is per (rule, partition key), and a key holding nothing costs nothing. Independent
 * engines can own disjoint keys, which is how the server shards work. Key state lives on the heap, or serialized
 * in a {@link KeyStore} (RocksDB when {@link EngineConfig#rocksDbState} names a folder, or the host's own,
 * {@link EngineConfig#keyStore}); then {@link #close} the engine when done with it. The keys
 * holding partial matches are bounded per rule and in all ({@link EngineConfig.KeyBounds}): after each call the
 * engine evicts the keys that have held partial matches the longest until both bounds hold.
 *
 * <p><b>Many rules.</b> An arriving event concerns few of many rules: those it can start, and those holding state
 * for its key. With heap state the engine knows which keys some rule may hold ({@code KeyPresence}) and indexes the
 * rules by the "field = string" and "field against a number" tests their starts begin with; at a key holding
 * nothing, an event visits only the rules of its value whose thresholds it passes (and those without such tests),
 * and the others count it as their guards would have decided,
 * without a key lookup or an evaluation ({@link dev.vigil.nfa.runtime.RuleDispatch}). An event that starts nothing
 * at a key holding nothing makes no key state in any case, also while it waits for the watermark.
 *
 * <p><b>Questions.</b> Between two calls a host may ask what the engine holds without changing it: one key's partial
 * matches, waiting events and timers ({@link #inspect}), what an event would find on each transition out of each run
 * of its key and why a condition was false ({@link #explain}), and the partial matches per NFA state over every key,
 * counted a slice at a time ({@link #census}). They read key states the way a snapshot does and evaluate conditions
 * on the side: no event is bound, no timer set, no counter counts, so the output with or without them is the same.
 *
 * <p><b>Not thread-safe:</b> one thread drives an engine.
 */
public final class Engine implements AutoCloseable {
    private final EngineConfig config;
    /** Where the rules keep their key states: the heap, or a key store the engine owns. */
    private final KeyStorage storage;
    private final EngineListener listener;
    /** The keys holding partial matches over every rule, and the bounds on them. */
    private final KeyBudget budget;
    private final List<RuleRuntime> rules = new ArrayList<>();
    private final Map<String, StreamClock> clocks = new LinkedHashMap<>();
    /** Per stream read by some rule: its clock and its readers, found with one lookup per event. */
    private final Map<String, Route> routes = new HashMap<>();
    /** Censuses started and not yet complete or closed: the engine closes them when it closes. */
    private final List<StateCensus> censuses = new ArrayList<>();
    private long unrouted;
    private long processingTimeMs = Long.MIN_VALUE;
    /** The snapshot being written in slices, or null. */
    private EngineSnapshot.Writer snapshotWriter;
    /** The distinct events the last complete snapshot wrote. */
    private int lastSnapshotEvents;

    public Engine(List<CompiledRule> compiled, EngineConfig config, EngineListener listener) {
        this(compiled, config, listener, List.of(), storage(config));
    }

    /**
     * An engine whose clocks start as {@code restoredClocks} (in that order); other streams get fresh ones. It owns
     * {@code storage}.
     */
    private Engine(List<CompiledRule> compiled, EngineConfig config, EngineListener listener,
            List<StreamClock> restoredClocks, KeyStorage storage) {
        this.config = config;
        this.listener = listener;
        this.budget = new KeyBudget(config.keyBounds());
        this.storage = storage;
        for (StreamClock clock : restoredClocks) {
            clocks.put(clock.stream(), clock);
        }
        Map<String, Long> delays = StreamDelays.merge(compiled, config.defaultWatermarkDelayMs());
        for (CompiledRule rule : compiled) {
            RuleRuntime runtime = newRuntime(rule);
            rules.add(runtime);
            List<StreamClock> ruleClocks = new ArrayList<>();
            for (String stream : rule.streams()) {
                StreamClock clock = clocks.computeIfAbsent(stream, s -> new StreamClock(s, delays.get(s)));
                ruleClocks.add(clock);
                route(clock).add(runtime);
            }
            runtime.readFrom(ruleClocks);
        }
    }

    /**
     * Installs a rule between two events, or replaces the running rule of the same name (hot deployment).
     *
     * <p>A replaced rule's partial matches follow the {@link dev.vigil.nfa.state.Replacement} policy, the same as
     * for a restore: kept when the new version's pattern, conditions, key and streams are the old one's (only
     * {@code SEVERITY}, {@code EMIT} or sinks changed, say), and the new version goes on where the old one was;
     * otherwise dropped and counted ({@code partialMatchesDroppedOnReplace}): the new version starts with no run,
     * alerts of the old version that were not complete never come, and the events the old version had buffered
     * but not yet matched (they wait for the watermark) are handed to the new version, in their order, when it
     * reads their stream: every event is matched by exactly one version. A stream first read by this rule gets
     * a clock with the rule's declared delay (else the default); a stream already read keeps its clock, its
     * watermark and its delay.
     */
    public void deploy(CompiledRule rule) {
        requireNoSnapshot("deploy rule " + rule.name());
        RuleRuntime runtime = newRuntime(rule);
        RuleRuntime replaced = find(rule.name());
        if (replaced != null) {
            detach(replaced);
            Replacement.deploy(replaced, runtime);
        }
        List<StreamClock> ruleClocks = new ArrayList<>();
        for (String stream : rule.streams()) {
            long delay = StreamDelays.of(rule, stream, config.defaultWatermarkDelayMs());
            StreamClock clock = clocks.computeIfAbsent(stream, s -> new StreamClock(s, delay));
            ruleClocks.add(clock);
            route(clock).add(runtime);
        }
        rules.add(runtime);
        runtime.readFrom(ruleClocks);
        if (config.timeMode() == EngineConfig.TimeMode.EVENT) {
            advanceRules(List.of(runtime));
        }
    }

    /**
     * Removes a rule between two events, discarding its partial matches and buffered events; returns false when
     * no rule has that name. Stream clocks stay, so a rule deployed later continues from the same watermarks.
     */
    public boolean undeploy(String name) {
        requireNoSnapshot("remove rule " + name);
        RuleRuntime runtime = find(name);
        if (runtime == null) {
            return false;
        }
        detach(runtime);
        runtime.discard();
        return true;
    }

    /** The names of the running rules, in deployment order. */
    public List<String> ruleNames() {
        List<String> names = new ArrayList<>(rules.size());
        for (RuleRuntime rule : rules) {
            names.add(rule.rule().name());
        }
        return names;
    }

    /**
     * Writes the engine's whole state (rules' keyed state, waiting events, timers, stream clocks, counters) in the
     * snapshot format of {@link dev.vigil.nfa.state}, for {@link #restore}. Call it between two engine calls on
     * the thread that drives the engine; it changes nothing. Events shared by rules and keys are written once.
     */
    public void snapshot(DataOutput out) throws IOException {
        snapshot(out, null);
    }

    /**
     * {@link #snapshot(DataOutput)} with the keys left in the engine's key store, which writes its own checkpoint
     * into {@code storeCheckpoint} ({@link #startSnapshot(DataOutput, Path)}); {@code storeCheckpoint} null: every
     * key in the snapshot.
     */
    public void snapshot(DataOutput out, Path storeCheckpoint) throws IOException {
        startSnapshot(out, storeCheckpoint);
        continueSnapshot(Integer.MAX_VALUE);
    }

    /**
     * Starts writing a snapshot of the state as it is now (the same bytes {@link #snapshot} would write now), for
     * a host that must not stop for the whole state: the stream clocks and counters are written at once, the keys
     * over later {@link #continueSnapshot} calls, while events, watermarks and time go on in between. Copy on
     * write, as Flink's state backends do: a heap key about to change is copied first (only keys touched before
     * they are written cost a copy); RocksDB keys are read from a RocksDB snapshot. Rules cannot be deployed or
     * removed until the snapshot is written or abandoned. Call it between two engine calls.
     *
     * @throws IllegalStateException a snapshot is already being written
     */
    public void startSnapshot(DataOutput out) throws IOException {
        startSnapshot(out, null);
    }

    /**
     * {@link #startSnapshot(DataOutput)}, but with key state in RocksDB the keys stay out of the snapshot: the changed
     * cached states are written back, and RocksDB writes a checkpoint of itself into {@code storeCheckpoint} (hard
     * links to its table files: about the memtables' size, whatever the number of keys) before this returns; the
     * snapshot holds the rest (clocks, counters, waiting events, timers) and names the checkpoint, and
     * {@link #restore(List, EngineConfig, EngineListener, DataInput, Path)} needs both. The checkpoint is the host's:
     * the engine neither reads nor deletes it afterwards.
     *
     * @param storeCheckpoint null: every key in the snapshot (portable between backends); else a folder that does
     *     not exist yet
     * @throws IllegalStateException a snapshot is already being written, or a checkpoint was asked of an engine
     *     whose key state is on the heap
     * @throws UnsupportedOperationException the host's key store takes no checkpoints
     */
    public void startSnapshot(DataOutput out, Path storeCheckpoint) throws IOException {
        if (snapshotWriter != null) {
            throw new IllegalStateException("a snapshot is already being written");
        }
        snapshotWriter = EngineSnapshot.start(out, config, unrouted, processingTimeMs, clocks.values(), rules,
                lastSnapshotEvents, storage, storeCheckpoint);
    }

    /** Whether the key states are in a store (RocksDB, a host's), so a snapshot can leave them in its checkpoint. */
    public boolean keysInStore() {
        return storage.inStore();
    }

    /**
     * Writes up to about {@code keys} more keys of the snapshot {@link #startSnapshot started}; true once it is
     * complete (also when none is being written). A failure abandons the snapshot.
     */
    public boolean continueSnapshot(int keys) throws IOException {
        if (snapshotWriter == null) {
            return true;
        }
        boolean done;
        try {
            done = snapshotWriter.write(Math.max(1, keys));
        } catch (IOException | RuntimeException e) {
            snapshotWriter = null;
            throw e;
        }
        if (done) {
            lastSnapshotEvents = snapshotWriter.events();
            snapshotWriter = null;
        }
        return done;
    }

    /** True while a snapshot is started and neither complete nor abandoned. */
    public boolean snapshotInProgress() {
        return snapshotWriter != null;
    }

    /** Drops the snapshot being written, if any: what it wrote so far is not a snapshot. */
    public void abandonSnapshot() {
        if (snapshotWriter != null) {
            snapshotWriter.abandon();
            snapshotWriter = null;
        }
    }

    private void requireNoSnapshot(String change) {
        if (snapshotWriter != null) {
            throw new IllegalStateException("cannot " + change + " while a snapshot is being written: finish or"
                    + " abandon it first");
        }
    }

    /** An engine restored from a snapshot, and the rules that started without their state. */
    public record Restored(Engine engine, List<RuleReset> reset) {
        public Restored {
            reset = List.copyOf(reset);
        }
    }

    /**
     * An engine with {@code rules} installed (in that order) and the state of {@code in} (written by
     * {@link #snapshot}) for each rule whose compiled shape is unchanged; rules new or changed since the snapshot
     * start empty and are reported (a changed rule counts the partial matches it dropped: the
     * {@link dev.vigil.nfa.state.Replacement} policy, as on {@link #deploy}). Given the rules in the snapshotted
     * engine's order ({@link #ruleNames()}), the restored engine continues exactly as the snapshotted one would
     * have: same alerts, same ids, same order, same counters.
     *
     * <p>The snapshot's stream clocks are kept with their watermarks and delays (a clock keeps its delay, as on a
     * hot deployment); streams only the new rules read get fresh clocks. A changed rule receives the events its
     * old version held for the watermark, as on a hot deployment; rules not in {@code rules} are dropped. New and
     * changed rules are brought to the current watermark before this returns, which may emit alerts only when a
     * changed rule reads other streams than before.
     *
     * @throws dev.vigil.nfa.state.SnapshotFormatException not a snapshot, an unknown format version, corrupt or
     *     truncated content, or a snapshot of an engine of another time mode or key slice
     */
    public static Restored restore(List<CompiledRule> rules, EngineConfig config, EngineListener listener,
            DataInput in) throws IOException {
        return restore(rules, config, listener, in, null);
    }

    /**
     * {@link #restore(List, EngineConfig, EngineListener, DataInput)} of a snapshot that may leave its keys in a
     * RocksDB checkpoint ({@link #startSnapshot(DataOutput, Path)}): then {@code config} must keep key state in
     * RocksDB, whose folder is emptied and given the checkpoint's files (hard links where the file system allows;
     * the checkpoint stays intact). A snapshot holding its keys ignores {@code storeCheckpoint}.
     *
     * @param storeCheckpoint the checkpoint written with the snapshot, or null when there is none
     * @throws dev.vigil.nfa.state.SnapshotFormatException as for the other restore; also when the snapshot's keys
     *     are in a checkpoint and none is given, the config keeps key state elsewhere than in RocksDB, or the
     *     checkpoint given is not the one written with the snapshot
     */
    public static Restored restore(List<CompiledRule> rules, EngineConfig config, EngineListener listener,
            DataInput in, Path storeCheckpoint) throws IOException {
        EngineSnapshot.Reader snapshot = EngineSnapshot.read(in, config);
        KeyStorage storage = storage(config, snapshot.storeCheckpoint(), storeCheckpoint);
        Engine engine = new Engine(rules, config, listener, snapshot.clocks(), storage);
        engine.unrouted = snapshot.unrouted();
        engine.processingTimeMs = snapshot.processingTimeMs();
        List<RuleReset> reset;
        try {
            reset = snapshot.restoreRules(engine.rules, storage);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        if (config.timeMode() == EngineConfig.TimeMode.EVENT && !reset.isEmpty()) {
            List<RuleRuntime> fresh = new ArrayList<>();
            for (RuleReset rule : reset) {
                fresh.add(engine.find(rule.rule()));
            }
            engine.advanceRules(fresh);
        }
        return new Restored(engine, reset);
    }

    /** Offers one event. In event time it is buffered until the watermark passes it, unless it is late. */
    public Offer offer(Event event) {
        Route route = routes.get(event.stream());
        if (route == null) {
            unrouted++;
            return Offer.UNROUTED;
        }
        List<RuleRuntime> readers = route.readers;
        StreamClock clock = route.clock;
        clock.countEvent();
        if (config.timeMode() == EngineConfig.TimeMode.PROCESSING) {
            long now = processingTimeMs == Long.MIN_VALUE ? event.timestamp() : processingTimeMs;
            for (RuleRuntime rule : readers) {
                rule.processNow(event, now);
            }
            keepWithinBudget();
            return Offer.ACCEPTED;
        }
        if (event.timestamp() <= clock.watermark()) {
            clock.countLate();
            listener.onLateEvent(StreamClocks.late(event, clock));
            return Offer.LATE;
        }
        // The clock first, so each rule knows the watermark this event leaves it at (see RuleRuntime.buffer).
        boolean moved = !config.watermarksFromInputOnly() && clock.observe(event.timestamp());
        RuleDispatch dispatch = route.dispatch(storage);
        if (dispatch != null) {
            dispatch.buffer(event, moved);   // the same, visiting only the rules the event concerns
        } else {
            for (RuleRuntime rule : readers) {
                rule.buffer(event, moved ? rule.streamsWatermark() : rule.watermark());
            }
        }
        if (moved) {
            advanceRules(readers);
        }
        return Offer.ACCEPTED;
    }

    /** An explicit watermark for every stream: no event at or below {@code timestamp} is expected any more. */
    public void advanceWatermark(long timestamp) {
        for (StreamClock clock : clocks.values()) {
            clock.advanceTo(timestamp);
        }
        advanceRules(rules);
    }

    /** An explicit watermark for one stream; unknown streams are ignored. */
    public void advanceWatermark(String stream, long timestamp) {
        StreamClock clock = clocks.get(stream);
        Route route = routes.get(stream);
        if (clock != null && clock.advanceTo(timestamp) && route != null) {
            advanceRules(route.readers);
        }
    }

    /** Processing time: the wall-clock time now, from the host; fires timers that are due. */
    public void advanceProcessingTime(long nowMs) {
        if (nowMs <= processingTimeMs) {
            return;
        }
        processingTimeMs = nowMs;
        if (config.timeMode() == EngineConfig.TimeMode.PROCESSING) {
            for (RuleRuntime rule : rules) {
                rule.fireTimers(nowMs);
            }
            keepWithinBudget();
        }
    }

    /** End of input: every watermark goes to +infinity, releasing every event and firing every timer. */
    public void finish() {
        if (config.timeMode() == EngineConfig.TimeMode.PROCESSING) {
            for (RuleRuntime rule : rules) {
                rule.fireTimers(Long.MAX_VALUE);
            }
            keepWithinBudget();
            return;
        }
        advanceWatermark(Long.MAX_VALUE);
    }

    /**
     * What rule {@code rule} holds for one key now: its partial matches (state, events per variable, window end),
     * its events waiting for the watermark and its timers; null when no rule has that name. Changes nothing; call
     * it between two engine calls. An engine owning a slice of the keys knows only its own: others are empty here.
     *
     * @param key the key as alerts show it: a value, a list for a composite key, null for the global or null key
     * @param maxRuns the most partial matches listed (each with at most {@code maxEvents} events), {@code maxWaiting}
     *     the most waiting events; the counts say how many there are
     * @throws IllegalArgumentException a key of another shape than the rule's {@code PARTITION BY} makes
     */
    public KeyInspection inspect(String rule, Object key, int maxRuns, int maxEvents, int maxWaiting) {
        RuleRuntime runtime = find(rule);
        return runtime == null ? null : runtime.inspect(key, maxRuns, maxEvents, maxWaiting);
    }

    /**
     * What {@code event} would find in rule {@code rule}: for each run of its key (at most {@code maxRuns}, the start
     * run first) and each transition out of the run's state, whether its condition holds on the event and, when not,
     * the sub-expression that was false with the values it saw; null when no rule has that name. Evaluates and
     * changes nothing: the event is not offered, no counter counts. Call it between two engine calls.
     *
     * @throws IllegalArgumentException the rule does not read the event's stream, or the event's key belongs to
     *     another engine's slice
     */
    public EventExplanation explain(String rule, Event event, int maxRuns) {
        RuleRuntime runtime = find(rule);
        if (runtime == null) {
            return null;
        }
        if (!runtime.rule().streams().contains(event.stream())) {
            throw new IllegalArgumentException("rule " + rule + " reads " + runtime.rule().streams() + ", not "
                    + event.stream());
        }
        boolean late = config.timeMode() == EngineConfig.TimeMode.EVENT
                && event.timestamp() <= watermark(event.stream());
        return runtime.explain(event, late, maxRuns);
    }

    /**
     * Starts counting rule {@code rule}'s partial matches per NFA state over every key ({@link StateCensus}); null
     * when no rule has that name. Call it, and the census's {@code count}, between two engine calls.
     */
    public StateCensus census(String rule) {
        RuleRuntime runtime = find(rule);
        if (runtime == null) {
            return null;
        }
        StateCensus[] started = new StateCensus[1];
        started[0] = new StateCensus(runtime.rule().name(), runtime.rule().version(), runtime.census(),
                () -> censuses.remove(started[0]));
        censuses.add(started[0]);
        return started[0];
    }

    /** The watermark of a stream, or {@code Long.MIN_VALUE} when no rule reads it or nothing arrived yet. */
    public long watermark(String stream) {
        StreamClock clock = clocks.get(stream);
        return clock == null ? Long.MIN_VALUE : clock.watermark();
    }

    public EngineCounters counters() {
        List<RuleCounters> ruleCounters = new ArrayList<>(rules.size());
        for (RuleRuntime rule : rules) {
            ruleCounters.add(rule.counters());
        }
        Map<String, Long> eventsByStream = new LinkedHashMap<>();
        Map<String, Long> lateByStream = new LinkedHashMap<>();
        for (StreamClock clock : clocks.values()) {
            eventsByStream.put(clock.stream(), clock.events());
            if (clock.late() > 0) {
                lateByStream.put(clock.stream(), clock.late());
            }
        }
        return new EngineCounters(eventsByStream, lateByStream, unrouted, ruleCounters);
    }

    /** Closes the key store (its content, a RocksDB folder's, is then garbage); nothing to do for heap state. */
    @Override
    public void close() {
        abandonSnapshot();
        for (StateCensus census : new ArrayList<>(censuses)) {
            census.close();
        }
        storage.close();
    }

    private void advanceRules(List<RuleRuntime> affected) {
        for (int i = 0; i < affected.size(); i++) {   // per event: no iterator (random-access lists only)
            RuleRuntime rule = affected.get(i);
            rule.advanceTo(rule.streamsWatermark());
        }
        keepWithinBudget();
    }

    /**
     * While more keys hold partial matches than the engine's total allows, the rule holding the most (the first
     * in deployment order among equals, kept in order by the budget) evicts its oldest. Each rule keeps its own
     * bound as it runs.
     */
    private void keepWithinBudget() {
        while (budget.overTotal()) {
            RuleRuntime largest = budget.largest();
            if (largest == null || !largest.evictOldest()) {
                return;
            }
        }
    }

    private RuleRuntime newRuntime(CompiledRule rule) {
        return new RuleRuntime(rule, rule.program(), config.maxPartialMatchesPerKey(), config.maxWorkPerEvent(),
                config.slice(), listener, storage, budget);
    }

    private static KeyStorage storage(EngineConfig config) {
        if (config.keyStore() != null) {
            return KeyStorage.serialized(config.keyStore().get(), KeyStateCodec::new, config.cachedKeys());
        }
        if (config.rocksDbState() != null) {
            return KeyStorage.serialized(KeyStores.open(KeyStoreProvider.ROCKSDB, config.rocksDbState()),
                    KeyStateCodec::new, config.cachedKeys());
        }
        return KeyStorage.heapOfOneEngine();
    }

    /** The storage of an engine restored from a snapshot whose keys are in {@code stored}'s checkpoint, if any. */
    private static KeyStorage storage(EngineConfig config, EngineSnapshot.StoreCheckpoint stored, Path checkpoint)
            throws SnapshotFormatException {
        if (stored == null) {
            return storage(config);
        }
        if (checkpoint == null) {
            throw new SnapshotFormatException("the snapshot's key states are in a RocksDB checkpoint, and none was"
                    + " given to restore from");
        }
        if (config.rocksDbState() == null) {
            throw new SnapshotFormatException("the snapshot's key states are in a RocksDB checkpoint; this engine"
                    + " keeps key state " + (config.keyStore() != null ? "in a host's key store" : "on the heap"));
        }
        KeyStorage storage = KeyStorage.serialized(
                KeyStores.open(KeyStoreProvider.ROCKSDB, config.rocksDbState(), checkpoint), KeyStateCodec::new,
                config.cachedKeys(), stored.rules());
        Long token = storage.token();
        if (token == null || token != stored.token()) {
            storage.close();
            throw new SnapshotFormatException("the RocksDB checkpoint " + checkpoint
                    + " is not the one written with this snapshot");
        }
        return storage;
    }

    private RuleRuntime find(String name) {
        for (RuleRuntime rule : rules) {
            if (rule.rule().name().equals(name)) {
                return rule;
            }
        }
        return null;
    }

    private void detach(RuleRuntime runtime) {
        rules.remove(runtime);
        for (String stream : runtime.rule().streams()) {
            Route route = routes.get(stream);
            if (route != null) {
                route.remove(runtime);
                if (route.readers.isEmpty()) {
                    routes.remove(stream);
                }
            }
        }
    }

    private Route route(StreamClock clock) {
        return routes.computeIfAbsent(clock.stream(), s -> new Route(clock, new ArrayList<>()));
    }

    /** A stream's clock and the rules reading it, in deployment order, and their dispatch (made on first use). */
    private static final class Route {
        final StreamClock clock;
        final List<RuleRuntime> readers;
        private RuleDispatch dispatch;
        private boolean dispatchMade;

        Route(StreamClock clock, List<RuleRuntime> readers) {
            this.clock = clock;
            this.readers = readers;
        }

        void add(RuleRuntime reader) {
            readers.add(reader);
            dispatchMade = false;
        }

        void remove(RuleRuntime reader) {
            readers.remove(reader);
            dispatchMade = false;
        }

        /** The readers' {@link RuleDispatch}, or null when the storage allows none (then every rule sees every event). */
        RuleDispatch dispatch(KeyStorage storage) {
            if (!dispatchMade) {
                dispatch = RuleDispatch.of(readers, storage);
                dispatchMade = true;
            }
            return dispatch;
        }
    }
}
