package dev.vigil.nfa.state;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs one input twice: once through one engine, once through a chain of engines, each restored from a snapshot
 * of the one before at random points; the two must report the same thing. The input is a list of {@link Step}s
 * (events, watermarks, processing time), so the chain can be cut between any two.
 */
public final class SnapshotChain {
    /** One call on an engine. */
    public sealed interface Step permits Offer, Watermark, StreamWatermark, ProcessingTime {}

    public record Offer(Event event) implements Step {}

    public record Watermark(long timestamp) implements Step {}

    public record StreamWatermark(String stream, long timestamp) implements Step {}

    public record ProcessingTime(long nowMs) implements Step {}

    /** Everything an engine told its host, as text: alerts in full (events by stream, time, sequence, fields). */
    public static class Transcript implements EngineListener {
        public final List<String> lines = new ArrayList<>();
        public int alerts;

        @Override
        public void onAlert(Alert alert) {
            alerts++;
            lines.add("alert " + alert.id() + " " + alert.rule() + " v" + alert.version() + " " + alert.kind()
                    + " key=" + alert.key() + " severity=" + alert.severity() + " " + alert.start() + ".."
                    + alert.end() + " timeoutAt=" + alert.timeoutAt() + " fields=" + alert.fields() + " events="
                    + alert.events());
        }

        @Override
        public void onLateEvent(LateEvent late) {
            lines.add("late " + late.event() + " " + late.reason());
        }

        @Override
        public void onPartialMatchesDropped(String rule, Object key, int count) {
            lines.add("dropped " + rule + " " + key + " " + count);
        }

        @Override
        public void onKeyEvicted(String rule, Object key, int partialMatches) {
            lines.add("evicted " + rule + " " + key + " " + partialMatches);
        }
    }

    /** What a run reported, and the engine's counters at the end. */
    public record Outcome(List<String> transcript, int alerts, EngineCounters counters, int snapshots) {}

    private SnapshotChain() {}

    /** The uninterrupted run: one engine, every step, then {@code finish}. */
    public static Outcome straight(List<CompiledRule> rules, EngineConfig config, List<Step> steps) {
        Transcript transcript = new Transcript();
        Engine engine = new Engine(rules, config, transcript);
        for (Step step : steps) {
            apply(engine, step);
        }
        engine.finish();
        EngineCounters counters = engine.counters();
        engine.close();
        return new Outcome(transcript.lines, transcript.alerts, counters, 0);
    }

    /**
     * The chained run: before each step, with probability {@code cutChance}, the engine is snapshotted and
     * replaced by one restored from the bytes (with the same rules, config and listener); each restore must reset
     * no rule, and snapshotting the restored engine must give the same bytes again.
     */
    public static Outcome chained(List<CompiledRule> rules, EngineConfig config, List<Step> steps, long seed,
            double cutChance) {
        return chained(rules, List.of(config), steps, seed, cutChance);
    }

    /**
     * The chained run over several configs (state backends): the first engine has the first config, each cut
     * restores into the next config, round robin. Each dropped engine is closed before the next opens, so configs
     * may share a RocksDB folder. Snapshots must repeat byte for byte only when there is one config (a heap and a
     * RocksDB engine visit their keys in different orders).
     */
    public static Outcome chained(List<CompiledRule> rules, List<EngineConfig> configs, List<Step> steps, long seed,
            double cutChance) {
        Random random = new Random(seed);
        Transcript transcript = new Transcript();
        Engine engine = new Engine(rules, configs.get(0), transcript);
        int snapshots = 0;
        for (Step step : steps) {
            if (random.nextDouble() < cutChance) {
                snapshots++;
                engine = cut(engine, rules, configs.get(snapshots % configs.size()), transcript, configs.size() == 1);
            }
            apply(engine, step);
        }
        snapshots++;
        engine = cut(engine, rules, configs.get(snapshots % configs.size()), transcript, configs.size() == 1);
        engine.finish();
        EngineCounters counters = engine.counters();
        engine.close();
        return new Outcome(transcript.lines, transcript.alerts, counters, snapshots);
    }

    /**
     * The chained run with the keys left in the key store: before each step, with probability {@code cutChance},
     * the engine is snapshotted with a checkpoint of its store (a new folder under {@code checkpoints}), closed, and
     * replaced by one restored from the snapshot and the checkpoint (with the same rules, config and listener); each
     * restore must reset no rule. {@code config} keeps key state in RocksDB.
     */
    public static Outcome chainedThroughStoreCheckpoints(List<CompiledRule> rules, EngineConfig config,
            List<Step> steps, long seed, double cutChance, Path checkpoints) {
        Random random = new Random(seed);
        Transcript transcript = new Transcript();
        Engine engine = new Engine(rules, config, transcript);
        int snapshots = 0;
        for (Step step : steps) {
            if (random.nextDouble() < cutChance) {
                engine = cutThroughCheckpoint(engine, rules, config, transcript, checkpoints.resolve("c" + snapshots++));
            }
            apply(engine, step);
        }
        engine = cutThroughCheckpoint(engine, rules, config, transcript, checkpoints.resolve("c" + snapshots++));
        engine.finish();
        EngineCounters counters = engine.counters();
        engine.close();
        return new Outcome(transcript.lines, transcript.alerts, counters, snapshots);
    }

    private static Engine cutThroughCheckpoint(Engine engine, List<CompiledRule> rules, EngineConfig config,
            Transcript transcript, Path checkpoint) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            engine.snapshot(out, checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        engine.close();
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
            Engine.Restored restored = Engine.restore(rules, config, transcript, in, checkpoint);
            if (in.read() != -1) {
                throw new AssertionError("restore left bytes of the snapshot unread");
            }
            if (!restored.reset().isEmpty()) {
                throw new AssertionError("restoring the same rules reset " + restored.reset());
            }
            return restored.engine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sliced snapshots: two engines run every step; before a step, with probability {@code startChance} (when
     * none is being written), the first is snapshotted at once and the second starts a snapshot that it writes a
     * few keys at a time after each later step. Each sliced snapshot must equal, byte for byte, the snapshot the
     * first engine took at its start, and both engines must report the same thing. Returns the second engine's
     * outcome, {@code snapshots} counting the sliced snapshots completed.
     */
    public static Outcome sliced(List<CompiledRule> rules, EngineConfig config, EngineConfig slicedConfig,
            List<Step> steps, long seed, double startChance) {
        Random random = new Random(seed);
        Transcript reference = new Transcript();
        Transcript transcript = new Transcript();
        Engine whole = new Engine(rules, config, reference);
        Engine sliced = new Engine(rules, slicedConfig, transcript);
        int snapshots = 0;
        byte[] expected = null;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try {
            for (Step step : steps) {
                if (expected == null && random.nextDouble() < startChance) {
                    expected = snapshot(whole);
                    written.reset();
                    sliced.startSnapshot(new DataOutputStream(written));
                }
                apply(whole, step);
                apply(sliced, step);
                if (expected != null && sliced.continueSnapshot(1 + random.nextInt(3))) {
                    if (!java.util.Arrays.equals(expected, written.toByteArray())) {
                        throw new AssertionError("a sliced snapshot differs from the snapshot of its start ("
                                + written.size() + " vs " + expected.length + " bytes)");
                    }
                    snapshots++;
                    expected = null;
                }
            }
            sliced.abandonSnapshot();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        whole.finish();
        sliced.finish();
        if (!reference.lines.equals(transcript.lines)) {
            throw new AssertionError("writing sliced snapshots changed what the engine reports");
        }
        EngineCounters counters = sliced.counters();
        whole.close();
        sliced.close();
        return new Outcome(transcript.lines, transcript.alerts, counters, snapshots);
    }

    private static Engine cut(Engine engine, List<CompiledRule> rules, EngineConfig config, Transcript transcript,
            boolean sameBytes) {
        byte[] bytes = snapshot(engine);
        engine.close();
        Engine.Restored restored = restore(rules, config, transcript, bytes);
        if (!restored.reset().isEmpty()) {
            throw new AssertionError("restoring the same rules reset " + restored.reset());
        }
        byte[] again = snapshot(restored.engine());
        if (sameBytes && !java.util.Arrays.equals(bytes, again)) {
            throw new AssertionError("snapshot of the restored engine differs from the snapshot it came from ("
                    + bytes.length + " vs " + again.length + " bytes)");
        }
        return restored.engine();
    }

    public static byte[] snapshot(Engine engine) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            engine.snapshot(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Engine.Restored restore(List<CompiledRule> rules, EngineConfig config, EngineListener listener,
            byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            Engine.Restored restored = Engine.restore(rules, config, listener, in);
            if (in.read() != -1) {
                throw new AssertionError("restore left bytes of the snapshot unread");
            }
            return restored;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void apply(Engine engine, Step step) {
        if (step instanceof Offer offer) {
            engine.offer(offer.event());
        } else if (step instanceof Watermark watermark) {
            engine.advanceWatermark(watermark.timestamp());
        } else if (step instanceof StreamWatermark watermark) {
            engine.advanceWatermark(watermark.stream(), watermark.timestamp());
        } else if (step instanceof ProcessingTime time) {
            engine.advanceProcessingTime(time.nowMs());
        } else {
            throw new AssertionError(step);
        }
    }
}
