package dev.vigil.nfa.state;

import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.RuleReset;
import dev.vigil.nfa.runtime.KeyStorage;
import dev.vigil.nfa.runtime.RuleRuntime;
import dev.vigil.nfa.runtime.RuleRuntimeState;
import dev.vigil.nfa.runtime.StreamClock;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes and reads a whole engine's state in the snapshot format (see {@code package-info.java}); called by
 * {@link dev.vigil.nfa.Engine#startSnapshot} (and so {@link dev.vigil.nfa.Engine#snapshot}) and
 * {@link dev.vigil.nfa.Engine#restore}, which own the engine's fields and pass them in.
 *
 * <p>Reading is in steps because the engine is built in between: {@link #read} checks the header and reads the
 * clocks; the engine builds its rules around those clocks; {@link Reader#restoreRules} fills the rules whose
 * shape is unchanged, reads past the others and checks the checksum. Nothing is handed to a rule (waiting events
 * of reset rules) before the checksum has been checked.
 *
 * <p><b>Not thread-safe:</b> a snapshot is written and read by the thread owning the engine.
 */
public final class EngineSnapshot {
    /** "VGSN": the first four bytes of every snapshot. */
    public static final int MAGIC = 0x5647534E;
    /** The format written; a reader accepts exactly the versions it knows: this one and the older ones. */
    public static final int VERSION = 6;
    /**
     * The oldest format read: version 1 lacks the rules' work-bound and eviction counters (restored as 0) and each
     * key's place in the order of eviction (see {@link RuleStateReader}); versions 1 and 2 lack the count of partial
     * matches dropped on replacement (restored as 0); versions 1 to 3 lack the events' identities (restored as their
     * sequence numbers, which is what alert ids were derived from then); versions 1 to 4 always hold their keys;
     * versions 1 to 5 lack the rules' {@code SUPPRESS FOR} state and windowed aggregates' events (restored as none).
     */
    public static final int OLDEST_VERSION = 1;

    private EngineSnapshot() {}

    /**
     * Starts writing the engine's state as it is now: settings that state depends on, counters and clocks (in
     * order) are written at once, each rule is captured ({@link RuleRuntimeState#capture}); the returned writer
     * writes the rules' keys in slices between later engine calls, and what it writes is the state of this
     * moment whatever the engine does in between (as long as no rule is deployed or removed before it is done).
     *
     * <p>With {@code storeCheckpoint}, the keys stay in the engine's key store: every rule's changed cached states
     * are written back, the store writes its own checkpoint into that folder ({@link KeyStorage#checkpoint}, RocksDB's
     * hard links), and the snapshot names the checkpoint (a random token, also stored in it) instead of holding the
     * keys: what is left to write is the waiting events and timers, which live on the heap.
     *
     * @param expectedEvents about how many distinct events the state holds (the last snapshot's count), or 0
     * @param storeCheckpoint null to write every key into the snapshot; else a folder that does not exist yet, for
     *     the store's checkpoint (key states in a store that takes checkpoints only)
     */
    public static Writer start(DataOutput out, EngineConfig config, long unrouted, long processingTimeMs,
            Collection<StreamClock> clocks, List<RuleRuntime> rules, int expectedEvents, KeyStorage storage,
            Path storeCheckpoint) throws IOException {
        boolean keysInStore = storeCheckpoint != null;
        if (keysInStore && !storage.inStore()) {
            throw new IllegalStateException("the engine keeps its key states on the heap: no store to checkpoint");
        }
        List<RuleRuntimeState.Capture> captures = new ArrayList<>(rules.size());
        long token = ThreadLocalRandom.current().nextLong();
        try {
            for (RuleRuntime rule : rules) {
                captures.add(keysInStore ? RuleRuntimeState.captureInStore(rule) : RuleRuntimeState.capture(rule));
            }
            if (keysInStore) {
                storage.checkpoint(storeCheckpoint, token);   // every changed state written back: as of now
            }
        } catch (IOException | RuntimeException e) {
            captures.forEach(RuleRuntimeState.Capture::done);
            throw e;
        }
        // The event table is sized up front: growing it rehashes every event numbered so far in one step, which
        // would stop a shard for tens of milliseconds at a million events.
        long held = 0;
        for (RuleRuntimeState.Capture capture : captures) {
            held += capture.heldItems();
        }
        int expected = (int) Math.min(1 << 26, Math.max(expectedEvents + (long) expectedEvents / 4, held));
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        SnapshotOutput payload = new SnapshotOutput(out, expected);
        payload.writeVarInt(config.timeMode().ordinal());
        payload.writeVarInt(config.slice().index());
        payload.writeVarInt(config.slice().count());
        payload.writeBoolean(keysInStore);
        if (keysInStore) {
            payload.writeVarInt(storage.nextRule());
            payload.writeLong(token);
        }
        payload.writeLong(unrouted);
        payload.writeLong(processingTimeMs);
        payload.writeVarInt(clocks.size());
        for (StreamClock clock : clocks) {
            payload.writeName(clock.stream());
            payload.writeLong(clock.delayMs());
            payload.writeLong(clock.maxSeen());
            payload.writeLong(clock.watermark());
            payload.writeLong(clock.events());
            payload.writeLong(clock.late());
        }
        payload.writeVarInt(rules.size());
        return new Writer(payload, List.copyOf(rules), captures);
    }

    /**
     * The rest of a snapshot {@link #start}ed: rule after rule, each one's keys in slices. Call {@link #write}
     * between engine calls until it returns true, or {@link #abandon}.
     */
    public static final class Writer {
        private final SnapshotOutput payload;
        private final RuleStateWriter rules;
        private final List<RuleRuntime> runtimes;
        private final List<RuleRuntimeState.Capture> captures;
        private int rule;
        private boolean begun;
        private boolean keysDone;
        private boolean finished;

        private Writer(SnapshotOutput payload, List<RuleRuntime> runtimes, List<RuleRuntimeState.Capture> captures) {
            this.payload = payload;
            this.rules = new RuleStateWriter(payload);
            this.runtimes = runtimes;
            this.captures = captures;
        }

        /**
         * Writes up to about {@code keys} more keys, waiting events or timers (and the sections' other parts on the
         * way); true once the whole snapshot is written, checksum included. A failure abandons the snapshot.
         */
        public boolean write(int keys) throws IOException {
            try {
                int budget = keys;
                while (!finished && budget > 0) {
                    if (rule == runtimes.size()) {
                        payload.finish();
                        finished = true;
                        break;
                    }
                    RuleRuntimeState.Capture capture = captures.get(rule);
                    if (!begun) {
                        rules.begin(runtimes.get(rule), capture);
                        begun = true;
                    }
                    int slice = Math.min(budget, SLICE_KEYS);
                    budget -= slice;
                    if (!keysDone) {
                        keysDone = capture.keys(rules, slice);
                    } else if (capture.end(rules, slice)) {
                        capture.done();
                        rule++;
                        begun = false;
                        keysDone = false;
                    }
                }
                return finished;
            } catch (IOException | RuntimeException e) {
                abandon();
                throw e;
            }
        }

        /** The events written so far (each once): a complete snapshot's count sizes the next one's table. */
        public int events() {
            return payload.eventCount();
        }

        /** Ends the captures of the rules not written yet; what was written is not a snapshot. */
        public void abandon() {
            for (int i = rule; i < captures.size(); i++) {
                captures.get(i).done();
            }
            rule = captures.size();
            finished = true;
        }
    }

    /** Keys (or waiting events, or timers) written between two checks of the budget. */
    private static final int SLICE_KEYS = 256;

    /**
     * Checks the header (magic, version, the engine settings the state depends on) and reads the clocks.
     *
     * @throws SnapshotFormatException not a snapshot, an unknown version, corrupt, or taken by an engine of
     *     another time mode or key slice than {@code config}'s
     */
    public static Reader read(DataInput in, EngineConfig config) throws IOException {
        int magic;
        int version;
        try {
            magic = in.readInt();
            version = in.readInt();
        } catch (EOFException empty) {
            throw new SnapshotFormatException("not an engine snapshot: it is shorter than its header", empty);
        }
        if (magic != MAGIC) {
            throw new SnapshotFormatException("not an engine snapshot: it starts with 0x" + Integer.toHexString(magic)
                    + ", not 0x" + Integer.toHexString(MAGIC));
        }
        if (version < OLDEST_VERSION || version > VERSION) {
            throw new SnapshotFormatException("engine snapshot format version " + version
                    + " is not supported: this engine reads versions " + OLDEST_VERSION + " to " + VERSION);
        }
        int format = version;
        SnapshotInput input = new SnapshotInput(in, format);
        return guarded(() -> {
            int mode = input.readVarInt();
            EngineConfig.TimeMode[] modes = EngineConfig.TimeMode.values();
            if (mode < 0 || mode >= modes.length) {
                throw new SnapshotFormatException("corrupt snapshot: time mode " + mode);
            }
            if (modes[mode] != config.timeMode()) {
                throw new SnapshotFormatException("the snapshot was taken in " + describe(modes[mode])
                        + "; this engine runs in " + describe(config.timeMode()));
            }
            int index = input.readVarInt();
            int count = input.readVarInt();
            if (index != config.slice().index() || count != config.slice().count()) {
                throw new SnapshotFormatException("the snapshot holds the keys of slice " + index + " of " + count
                        + "; this engine owns slice " + config.slice().index() + " of " + config.slice().count());
            }
            StoreCheckpoint checkpoint = null;
            if (format >= 5 && input.readBoolean()) {
                checkpoint = new StoreCheckpoint(input.readCount("rules numbered in the store"), input.readLong());
            }
            long unrouted = input.readLong();
            long processingTimeMs = input.readLong();
            int clockCount = input.readCount("clock count");
            List<StreamClock> clocks = new ArrayList<>();
            for (int i = 0; i < clockCount; i++) {
                String stream = input.readName();
                long delayMs = input.readLong();
                long maxSeen = input.readLong();
                long watermark = input.readLong();
                long events = input.readLong();
                long late = input.readLong();
                if (delayMs < 0) {
                    throw new SnapshotFormatException("corrupt snapshot: stream " + stream + " has delay " + delayMs);
                }
                clocks.add(StreamClock.restored(stream, delayMs, maxSeen, watermark, events, late));
            }
            return new Reader(input, format, checkpoint, unrouted, processingTimeMs, clocks);
        });
    }

    private static String describe(EngineConfig.TimeMode mode) {
        return mode == EngineConfig.TimeMode.EVENT ? "event time" : "processing time";
    }

    /**
     * The store checkpoint a snapshot's keys are in: the rules of the store are numbered below {@code rules}, and
     * the checkpoint holds {@code token} ({@link KeyStorage#token}).
     */
    public record StoreCheckpoint(int rules, long token) {}

    /** The rest of a snapshot after its header and clocks. */
    public static final class Reader {
        private final SnapshotInput input;
        private final int version;
        private final StoreCheckpoint checkpoint;
        private final long unrouted;
        private final long processingTimeMs;
        private final List<StreamClock> clocks;

        private Reader(SnapshotInput input, int version, StoreCheckpoint checkpoint, long unrouted,
                long processingTimeMs, List<StreamClock> clocks) {
            this.input = input;
            this.version = version;
            this.checkpoint = checkpoint;
            this.unrouted = unrouted;
            this.processingTimeMs = processingTimeMs;
            this.clocks = clocks;
        }

        /** The store checkpoint holding the keys, or null when the snapshot holds them itself. */
        public StoreCheckpoint storeCheckpoint() {
            return checkpoint;
        }

        public long unrouted() {
            return unrouted;
        }

        public long processingTimeMs() {
            return processingTimeMs;
        }

        /** The stream clocks as they were, in the engine's order, with the delays they had. */
        public List<StreamClock> clocks() {
            return clocks;
        }

        /**
         * Restores the rules whose name and {@link RuleShape} match a rule in the snapshot, reads past the others,
         * checks the checksum, then hands the waiting events of each changed rule's old version to it (those of
         * the streams it reads, in release order) and counts the partial matches it dropped: the
         * {@link Replacement} policy, as on a hot deployment. Returns the rules (of {@code runtimes}, in their
         * order) that start without their old state, with the reason; the input is left after the snapshot.
         *
         * <p>When the keys are in a store checkpoint, {@code storage} is the store opened from it ({@link KeyStorage}
         * numbering new rules from {@link StoreCheckpoint#rules}): each restored rule takes its number there, and the
         * states of the checkpoint's other rules are deleted.
         *
         * @param runtimes fresh runtimes (no event seen yet)
         */
        public List<RuleReset> restoreRules(List<RuleRuntime> runtimes, KeyStorage storage) throws IOException {
            Map<String, RuleRuntime> byName = new HashMap<>();
            for (RuleRuntime runtime : runtimes) {
                byName.putIfAbsent(runtime.rule().name(), runtime);
            }
            Map<RuleRuntime, String> reasons = new IdentityHashMap<>();
            Map<RuleRuntime, RuleStateReader.Skipped> handOver = new IdentityHashMap<>();
            List<Integer> discarded = new ArrayList<>();
            guarded(() -> {
                RuleStateReader reader = new RuleStateReader(input, version,
                        checkpoint == null ? -1 : checkpoint.rules());
                int count = input.readCount("rule count");
                for (int i = 0; i < count; i++) {
                    String name = input.readName();
                    RuleShape shape = new RuleShape(input.readFixedLong(), input.readFixedLong(),
                            input.readFixedLong(), input.readFixedLong());
                    RuleRuntime runtime = byName.remove(name);
                    String difference = runtime == null ? null : Replacement.difference(shape, runtime.rule());
                    if (runtime != null && difference == null) {
                        reader.restore(new RuleRuntimeState.Restorer(runtime), runtime.program().nfa());
                        reasons.put(runtime, null);
                    } else {
                        RuleStateReader.Skipped skipped = reader.skip();
                        if (skipped.storeRule() >= 0) {
                            discarded.add(skipped.storeRule());
                        }
                        if (runtime != null) {
                            reasons.put(runtime, difference + " since the snapshot");
                            handOver.put(runtime, skipped);
                        }
                    }
                }
                input.finish();
                return null;
            });
            for (int rule : discarded) {   // only once the checksum was checked
                storage.discardRule(rule);
            }
            List<RuleReset> resets = new ArrayList<>();
            for (RuleRuntime runtime : runtimes) {
                if (!reasons.containsKey(runtime)) {
                    resets.add(new RuleReset(runtime.rule().name(), "not in the snapshot"));
                } else if (reasons.get(runtime) != null) {
                    resets.add(new RuleReset(runtime.rule().name(), reasons.get(runtime)));
                    RuleStateReader.Skipped skipped = handOver.get(runtime);
                    runtime.countDroppedOnReplace(skipped.partialMatches());
                    List<String> streams = runtime.rule().streams();
                    for (RuleStateReader.WaitingEvent waiting : skipped.waiting()) {
                        Event event = waiting.event();
                        if (streams.contains(event.stream())) {
                            runtime.buffer(event);
                        }
                    }
                }
            }
            return resets;
        }
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    /** Runs a reading step, turning whatever a corrupt snapshot makes the code throw into a clear exception. */
    private static <T> T guarded(Step<T> step) throws IOException {
        try {
            return step.run();
        } catch (SnapshotFormatException clear) {
            throw clear;
        } catch (EOFException truncated) {
            throw new SnapshotFormatException("snapshot ends early: it is truncated", truncated);
        } catch (IOException io) {
            throw io;
        } catch (RuntimeException corrupt) {
            throw new SnapshotFormatException("corrupt snapshot: " + corrupt.getMessage(), corrupt);
        }
    }
}
