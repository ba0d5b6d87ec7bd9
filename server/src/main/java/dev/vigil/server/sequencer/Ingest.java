package dev.vigil.server.sequencer;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.Event;
import dev.vigil.server.config.MemoryLimits;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.log.IngestLogException;
import dev.vigil.server.log.LogRecord;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.server.rules.RuleText;
import dev.vigil.server.shard.Shard;
import dev.vigil.server.shard.ShardCommand;
import dev.vigil.server.shard.ShardState;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The sequencer's state: the one door into the shards. Every event batch, watermark and rule change passes here, in
 * one total order (the ingest log's), so every shard sees rule changes between the same two events and the same time.
 *
 * <p>For a batch from a source it: answers a named batch it already took as a duplicate ({@link ProducerWindow});
 * checks that every shard's queue has room (else nothing happens and the caller waits — no partial batch is ever
 * queued); numbers the events in log order (timestamp ties depend on it) and gives each its identity (alert ids
 * depend on it: the identity the source gave the event when it did (a Kafka record's), else from the batch's name and
 * the event's index when the client named the batch, else its number); drops late events (at or below their stream's watermark, decided here from every source's
 * time by the {@link WatermarkTracker}, so shards agree); appends the batch to the {@link IngestLog}; sends each
 * event to the shards owning its keys ({@link Routing}); and sends every stream watermark that advanced to every
 * shard. Shards run their engines on explicit watermarks only.
 *
 * <p>Every method that changes it takes the time ({@code now}, of the sequencer's clock) from its caller: the
 * {@link Sequencer} reads its clock once per duty cycle.
 *
 * <p><b>Not thread-safe:</b> one writer, the {@link Sequencer}'s thread (and, before that thread starts, the set-up
 * that restores it). Counters, {@link #logPosition}, the refusals and the shards' state are read from any thread.
 */
public final class Ingest {
    /**
     * What became of a batch: queued ({@code position} in the ingest log, {@code late} of its {@code events} late,
     * {@code unrouted} of them on time but of streams no rule reads, the first {@link #MAX_UNROUTED_STREAMS} of
     * those streams' names in {@code unroutedStreams}), busy (a queue is full — the sequencer's, or a shard's when
     * offered directly — or memory is short and {@code refused} says so: nothing happened, offer it again later), or
     * refused (the ingest log did not take it: nothing happened, {@code refused} says why, for the sender), or a
     * {@code duplicate} of a named batch taken before (nothing happened; {@code position} is where the producer's
     * highest batch is in the log, so the acknowledgement waits until that is durable).
     */
    public record Result(boolean busy, int events, int late, int unrouted, List<String> unroutedStreams,
            String refused, long position, boolean duplicate) {
        public static final Result BUSY = new Result(true, 0, 0, 0, List.of(), null, 0, false);

        /** Busy until the memory guard resumes ingestion; {@code why} for the sender. */
        static Result paused(String why) {
            return new Result(true, 0, 0, 0, List.of(), why, 0, false);
        }

        static Result refused(String why) {
            return new Result(false, 0, 0, 0, List.of(), why, 0, false);
        }
    }

    /** How many names of streams no rule reads a {@link Result} lists; the count covers every such event. */
    public static final int MAX_UNROUTED_STREAMS = 10;

    /** The source of the watermark batches idle sources cause; no client can take it (source names have no '('). */
    static final String IDLE_SOURCE = "(idle sources)";

    private static final byte NOT_AN_EVENT = 0;
    private static final byte LATE = 1;
    private static final byte ROUTED = 2;
    private static final byte UNROUTED = 3;

    private final List<Shard> shards;
    private final IngestLog log;
    private final WatermarkTracker time;
    private final LongSupplier nanoClock;
    private final long defaultDelayMs;
    /** The running rules: read here, swapped here when a change takes effect (the sequencer is its writer). */
    private final RuleRegistry rules;
    private final IngestCounters counters = new IngestCounters();
    private final SourceLag sourceLag;
    /** The named batches taken: each producer's highest sequence. */
    private final ProducerWindow producers;
    /** Where each stream's events go, under the running rules. */
    private Routing routing;
    /** Pauses ingestion while the heap is nearly full; null: never (set before the sources open). */
    private volatile MemoryGuard memory;
    private long sequence;
    /** The ingest log's last position, published after every append for readers on other threads. */
    private volatile long logPosition;
    private byte[] outcomes = new byte[256];

    /**
     * @param rules the running rules: those the shards' engines start with
     */
    public Ingest(List<Shard> shards, IngestLog log, RuleRegistry rules, long defaultDelayMs,
            long idleTimeoutNanos, LongSupplier nanoClock) {
        this(shards, log, rules, defaultDelayMs, idleTimeoutNanos, nanoClock, MemoryLimits.DEFAULT_MAX_PRODUCERS);
    }

    /**
     * @param rules the running rules: those the shards' engines start with
     * @param maxProducers how many producers of named batches are remembered ({@link ProducerWindow})
     */
    public Ingest(List<Shard> shards, IngestLog log, RuleRegistry rules, long defaultDelayMs,
            long idleTimeoutNanos, LongSupplier nanoClock, int maxProducers) {
        this.producers = new ProducerWindow(maxProducers);
        this.shards = List.copyOf(shards);
        this.log = log;
        this.rules = rules;
        this.nanoClock = nanoClock;
        this.defaultDelayMs = defaultDelayMs;
        this.time = new WatermarkTracker(idleTimeoutNanos);
        this.sourceLag = new SourceLag(nanoClock);
        this.routing = Routing.of(rules.current().compiled(), shards.size(), defaultDelayMs);
        time.track(routing.delaysByStream(), nanoClock.getAsLong());
        this.logPosition = log.lastPosition();
    }

    public List<Shard> shards() {
        return shards;
    }

    /** Why some shard counts as stuck ({@link Shard#stuckReason}), or null; for {@code /ready}. Takes no lock. */
    public String stuckShards() {
        String reasons = null;
        for (Shard shard : shards) {
            String reason = shard.stuckReason();
            if (reason != null) {
                reasons = reasons == null ? reason : reasons + "; " + reason;
            }
        }
        return reasons;
    }

    public void start() {
        for (Shard shard : shards) {
            shard.start();
        }
    }

    /** Closes the ingest log; after {@link #stop}. */
    public void closeLog() {
        try {
            log.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the ingest log: " + e.getMessage(), e);
        }
    }

    /** Stops every shard after the commands it holds; not for event-loop threads. */
    public void stop() throws InterruptedException {
        for (Shard shard : shards) {
            shard.stop();
        }
    }

    public boolean running() {
        for (Shard shard : shards) {
            if (!shard.running()) {
                return false;
            }
        }
        return true;
    }

    /** Starts tracking {@code source}'s time. */
    public void openSource(EventSource source, long now) {
        time.open(source, now);
    }

    /** The source went away: it stops holding the watermark of its streams back. */
    public void closeSource(EventSource source, long now) {
        time.close(source, now);
    }

    /**
     * Null while memory is not short; else counts a refused batch and returns the busy result that says why (the
     * memory guard's pause), for the sender. Any thread.
     */
    public Result pausedForMemory() {
        MemoryGuard guard = memory;
        String pressure = guard == null ? null : guard.pausedReason();
        if (pressure == null) {
            return null;
        }
        guard.refused();
        return Result.paused(pressure);
    }

    /**
     * Ingests a batch of events and watermarks in order, or nothing: {@link Result#BUSY} when a queue is full, a
     * refusal when the ingest log does not take it (its data folder below the reserve, a failed write). A refused
     * batch leaves no trace: no sequence number, no event time, no count, nothing queued.
     */
    public Result accept(EventSource source, List<InputLine> lines, long now) {
        return accept(source, null, lines, now);
    }

    /**
     * As {@link #accept(EventSource, List, long)}, for a batch its client named {@code name} ({@code null}: unnamed):
     * a batch at or below its producer's highest sequence taken is answered as a duplicate and not taken again;
     * the events of a named batch are identified by the name and their index in the batch.
     */
    public Result accept(EventSource source, BatchId name, List<InputLine> lines, long now) {
        if (name != null) {
            ProducerWindow.Mark taken = producers.duplicate(name);
            if (taken != null) {
                return new Result(false, eventsIn(lines), 0, 0, List.of(), null, taken.position(), true);
            }
        }
        String refusal = log.refusal();
        if (refusal != null) {
            return Result.refused(refusal);
        }
        if (!everyShardHasRoom(lines.size())) {
            return Result.BUSY;
        }
        long firstSequence = sequence;
        long identities = name == null ? 0 : EventIdentity.batch(name.producer(), name.sequence());
        time.mark(source);
        time.heard(source, now);
        List<List<InputLine>> perShard = perShard();
        List<InputLine> logged = new ArrayList<>(lines.size());
        byte[] outcomes = outcomes(lines.size());
        int events = 0;
        int late = 0;
        int unrouted = 0;
        for (int i = 0; i < lines.size(); i++) {
            InputLine line = lines.get(i);
            if (line instanceof InputLine.EventLine eventLine) {
                events++;
                Event decoded = eventLine.event();
                long number = ++sequence;   // late events take a number too, as lines do in vigil run
                if (time.isLate(decoded.stream(), decoded.timestamp())) {
                    outcomes[i] = LATE;
                    late++;
                    continue;
                }
                long identity = decoded.identity() != decoded.sequence() ? decoded.identity()
                        : name != null ? EventIdentity.at(identities, i) : number;
                InputLine.EventLine numbered = new InputLine.EventLine(new Event(decoded.stream(),
                        decoded.timestamp(), number, identity, decoded.fields()), eventLine.text());
                logged.add(numbered);
                time.observe(source, decoded.stream(), decoded.timestamp(), now);
                long targets = routing.shardsFor(numbered.event());
                if (targets == 0) {
                    outcomes[i] = UNROUTED;
                    unrouted++;
                } else {
                    outcomes[i] = ROUTED;
                }
                for (int shard = 0; targets != 0; shard++, targets >>>= 1) {
                    if ((targets & 1) != 0) {
                        perShard.get(shard).add(numbered);
                    }
                }
            } else if (line instanceof InputLine.WatermarkLine watermark) {
                outcomes[i] = NOT_AN_EVENT;
                time.explicit(source, watermark.stream(), watermark.timestamp(), now);   // logged as its effect below
            } else {
                throw new IllegalArgumentException("a batch holds events and watermarks, not " + line);
            }
        }
        time.drainAdvances((stream, watermark) -> {
            InputLine.WatermarkLine advanced = new InputLine.WatermarkLine(stream, watermark);
            addToEvery(perShard, advanced);
            logged.add(advanced);   // what the shards got, so a replay needs no clock and no source state
        });
        long position;
        try {
            position = log.append(source.name(), name, logged);
        } catch (IngestLogException failed) {
            sequence = firstSequence;   // as if the batch never came: the sender is told and may send it again
            time.rollback();
            return Result.refused(failed.getMessage());
        }
        if (name != null) {
            producers.taken(name, position);
        }
        logPosition = position;
        count(lines, outcomes);
        submitEach(perShard, now, position);
        return new Result(false, events, late, unrouted,
                unrouted == 0 ? List.of() : unroutedStreams(lines, outcomes), null, position, false);
    }

    private static int eventsIn(List<InputLine> lines) {
        int events = 0;
        for (InputLine line : lines) {
            events += line instanceof InputLine.EventLine ? 1 : 0;
        }
        return events;
    }

    /**
     * The names of the streams of a batch's unrouted events, each once, in the order first met, at most
     * {@link #MAX_UNROUTED_STREAMS}: the sender is told which streams no rule reads. Only called when some are.
     */
    private static List<String> unroutedStreams(List<InputLine> lines, byte[] outcome) {
        List<String> streams = new ArrayList<>(4);
        for (int i = 0; i < lines.size() && streams.size() < MAX_UNROUTED_STREAMS; i++) {
            if (outcome[i] == UNROUTED) {
                String stream = ((InputLine.EventLine) lines.get(i)).event().stream();
                if (!streams.contains(stream)) {
                    streams.add(stream);
                }
            }
        }
        return List.copyOf(streams);
    }

    /** Why a rule change was not made while a shard's queue is full. */
    public static final String BUSY = "the engine is busy; retry later";

    /**
     * Installs or replaces rules on every shard, between the same two events, logs the change (the rules' text and
     * where it came from, for a replay) and makes {@code next} the running set. {@code deployed} come from one text.
     * Returns null when done, else why nothing changed: {@link #BUSY} (a queue is full), or the ingest log's refusal
     * (its disk is full: a change that is not logged is not made).
     */
    public String deploy(RuleSet next, List<DeployedRule> deployed, long now) {
        if (!everyShardHasRoom(0)) {
            return BUSY;
        }
        DeployedRule first = deployed.get(0);
        String origin = first.origin();
        String text = first.source();
        String refused = makeRoom(RULE_CHANGE_BYTES + 3L * (origin.length() + text.length()));
        if (refused != null) {
            return refused;
        }
        install(next, now);
        // A stream new to a shard's engine starts at no watermark: bring it to the streams' current time. (Every
        // advance is published with the same command, so none is lost for the shards' older streams either.)
        time.drainAdvances((stream, watermark) -> { });
        List<InputLine.WatermarkLine> watermarks = new ArrayList<>();
        time.currentWatermarks((stream, watermark) -> watermarks.add(new InputLine.WatermarkLine(stream, watermark)));
        Map<String, Integer> versions = new LinkedHashMap<>();
        List<CompiledRule> compiled = new ArrayList<>();
        for (DeployedRule rule : deployed) {
            versions.put(rule.name(), rule.version());
            compiled.add(rule.rule());
        }
        log.appendDeploy(origin, text, versions, first.deployedAt().toEpochMilli(), watermarks);
        logPosition = log.lastPosition();
        ShardCommand.Deploy command = new ShardCommand.Deploy(compiled, watermarks);
        for (Shard shard : shards) {
            shard.submit(command);
        }
        return null;
    }

    /**
     * Removes a rule from every shard and makes {@code next} the running set; returns null when done, else why
     * nothing changed (as {@link #deploy}).
     */
    public String undeploy(RuleSet next, String name, long now) {
        if (!everyShardHasRoom(0)) {
            return BUSY;
        }
        String refused = makeRoom(RULE_CHANGE_BYTES + 3L * name.length());
        if (refused != null) {
            return refused;
        }
        long undeployedAtMs = System.currentTimeMillis();   // logged: the version history shows it after a restart
        rules.publish(next, undeployedAtMs);   // the version history notes the removal at that time
        install(next, now);
        log.appendUndeploy(name, undeployedAtMs);
        logPosition = log.lastPosition();
        for (Shard shard : shards) {
            shard.submit(new ShardCommand.Undeploy(name));
        }
        return null;
    }

    /**
     * A rule change's record beyond its texts: versions and the stream watermarks, a few dozen bytes per stream
     * ({@link IngestLog#makeRoom} adds a margin of its own).
     */
    private static final long RULE_CHANGE_BYTES = 64L << 10;

    /** Null when the ingest log can take a rule change of {@code bytes}; else why not. */
    private String makeRoom(long bytes) {
        try {
            log.makeRoom(bytes);
            return null;
        } catch (IngestLogException refused) {
            return refused.getMessage();
        }
    }

    /**
     * Lets sources silent for longer than the idle timeout stop holding time back, and sends the watermarks that
     * moved; call periodically. Skipped while a queue is full (the next call catches up).
     */
    public void expireIdleSources(long now) {
        sourceLag.publish(time.sources(), now);
        if (!everyShardHasRoom(0)) {
            return;
        }
        time.mark();
        time.expireIdle(now);
        List<List<InputLine>> perShard = perShard();
        List<InputLine> advances = new ArrayList<>();
        time.drainAdvances((stream, watermark) -> {
            InputLine.WatermarkLine advanced = new InputLine.WatermarkLine(stream, watermark);
            addToEvery(perShard, advanced);
            advances.add(advanced);
        });
        if (advances.isEmpty()) {
            return;
        }
        long position;
        try {
            position = log.append(IDLE_SOURCE, advances);   // logged: idleness depends on the clock
        } catch (IngestLogException failed) {
            time.rollback();   // the shards got nothing: the next call tries again
            return;
        }
        submitEach(perShard, now, position);
    }

    /**
     * Recovery: gives the shards a logged batch again, as they got it (numbered events routed by key, the stream
     * watermarks to every shard); nothing is logged again. False when a shard's queue has no room (nothing happened:
     * the sequencer tries again).
     */
    public boolean replayBatch(List<InputLine> lines, long now) {
        return replayBatch(new LogRecord.Batch(log.lastPosition(), null, lines), now);
    }

    /** {@link #replayBatch(List, long)} of a logged batch: a named one is remembered as taken, at its position. */
    public boolean replayBatch(LogRecord.Batch batch, long now) {
        List<InputLine> lines = batch.lines();
        if (!everyShardHasRoom(lines.size())) {
            return false;
        }
        if (batch.name() != null) {
            producers.taken(batch.name(), batch.position());
        }
        List<List<InputLine>> perShard = perShard();
        for (InputLine line : lines) {
            if (line instanceof InputLine.EventLine eventLine) {
                Event event = eventLine.event();
                sequence = Math.max(sequence, event.sequence());
                IngestCounters.StreamCount count = counters.of(event.stream());
                count.events++;
                long targets = routing.shardsFor(event);
                count.routed += targets == 0 ? 0 : 1;
                count.unrouted += targets == 0 ? 1 : 0;
                for (int shard = 0; targets != 0; shard++, targets >>>= 1) {
                    if ((targets & 1) != 0) {
                        perShard.get(shard).add(line);
                    }
                }
            } else if (line instanceof InputLine.WatermarkLine watermark) {
                time.restore(watermark.stream(), watermark.timestamp());
                addToEvery(perShard, watermark);
            }
        }
        submitEach(perShard, now, log.lastPosition());
        return true;
    }

    /**
     * Recovery: installs logged rules on every shard with the watermarks they got then, making {@code next} (which
     * holds those of them that compile again) the running set; not logged again. False when a shard's queue has no
     * room (nothing happened).
     */
    public boolean replayDeploy(RuleSet next, LogRecord.Deploy logged, long now) {
        if (!everyShardHasRoom(0)) {
            return false;
        }
        List<CompiledRule> deployed = new ArrayList<>();
        for (String name : logged.versions().keySet()) {
            DeployedRule rule = next.get(name);
            if (rule != null && rule.version() == logged.versions().get(name)) {   // else it no longer compiles
                deployed.add(rule.rule());
            }
        }
        List<InputLine.WatermarkLine> watermarks = logged.watermarks();
        install(next, now);
        time.drainAdvances((stream, watermark) -> { });
        for (InputLine.WatermarkLine watermark : watermarks) {
            time.restore(watermark.stream(), watermark.timestamp());
        }
        ShardCommand.Deploy command = new ShardCommand.Deploy(deployed, watermarks);
        for (Shard shard : shards) {
            shard.submit(command);
        }
        return true;
    }

    /**
     * Recovery: where {@code vigil repair-log} dropped records, event numbers skip {@code count}, so new events'
     * alerts never take the ids of the dropped events' alerts (which the alert log holds).
     */
    public void replayRepair(long count) {
        sequence += count;
    }

    /**
     * Recovery: removes a logged rule from every shard, making {@code next} the running set; not logged again. False
     * when a queue has no room.
     */
    public boolean replayUndeploy(RuleSet next, String name, long now) {
        if (!everyShardHasRoom(0)) {
            return false;
        }
        install(next, now);
        for (Shard shard : shards) {
            shard.submit(new ShardCommand.Undeploy(name));
        }
        return true;
    }

    /**
     * What a checkpoint needs from the door, taken in one step with the barrier it sends: the log position every
     * command queued so far came from, the numbering, the stream watermarks and the rules' texts. The shards' states
     * follow through {@code states}, each taken when its shard reaches the barrier.
     */
    public record Barrier(long position, long sequence, Map<String, Long> watermarks, List<RuleText> rules,
            List<ProducerWindow.Mark> producers, List<CompletableFuture<ShardState>> states) {}

    /**
     * Sends every shard a checkpoint barrier after the commands queued so far; null when a queue is full (try again
     * shortly: nothing was sent).
     */
    public Barrier checkpoint(long id) {
        return checkpoint(id, null);
    }

    /**
     * {@link #checkpoint(long)}; shards keeping key state in RocksDB write RocksDB's own checkpoints into
     * {@code stores} (null: none, every key in the states).
     */
    public Barrier checkpoint(long id, java.nio.file.Path stores) {
        if (!everyShardHasRoom(0)) {
            return null;
        }
        Map<String, Long> watermarks = new LinkedHashMap<>();
        time.currentWatermarks(watermarks::put);
        List<CompletableFuture<ShardState>> states = new ArrayList<>(shards.size());
        for (Shard shard : shards) {
            CompletableFuture<ShardState> state = new CompletableFuture<>();
            states.add(state);
            shard.submit(new ShardCommand.Checkpoint(id, stores, state));
        }
        return new Barrier(log.lastPosition(), sequence, watermarks, rules.current().texts(), producers.marks(),
                states);
    }

    /**
     * Lets the ingest log drop old files, keeping what a recovery from the checkpoint at {@code neededPosition}
     * replays; on the sequencer's thread, so no append runs meanwhile. Returns the files deleted.
     */
    public List<java.nio.file.Path> retainLog(long neededPosition) {
        return log.retain(neededPosition, System.currentTimeMillis());
    }

    /** What is remembered of {@code producer}'s named batches, or null; on the sequencer's thread. */
    public ProducerWindow.Mark producer(String producer) {
        return producers.get(producer);
    }

    /** The position of the last record in the ingest log; any thread. */
    public long logPosition() {
        return logPosition;
    }

    /**
     * Recovery from a checkpoint, before anything else reaches the door: the numbering ({@code sequence}, the last
     * event number) and the stream watermarks. The rules running at the cut are the set this door was made with
     * (the shards' engines were restored with them).
     */
    public void restore(long sequence, Map<String, Long> watermarks) {
        restore(sequence, watermarks, List.of());
    }

    /** {@link #restore(long, Map)}, with the producers of named batches the checkpoint remembered. */
    public void restore(long sequence, Map<String, Long> watermarks, List<ProducerWindow.Mark> marks) {
        producers.restore(marks);
        this.sequence = sequence;
        time.drainAdvances((stream, watermark) -> { });
        for (Map.Entry<String, Long> watermark : watermarks.entrySet()) {
            time.restore(watermark.getKey(), watermark.getValue());
        }
    }

    /** Makes {@code next} the running set: events are routed by it from now on, and every reader sees it. */
    private void install(RuleSet next, long now) {
        rules.publish(next);   // once more after an undeploy's: the same set, which changes nothing
        routing = Routing.of(next.compiled(), shards.size(), defaultDelayMs);
        time.track(routing.delaysByStream(), now);
    }

    /**
     * Calls {@code then} once the batch at {@code position} is as durable as the acknowledgement policy asks
     * ({@link IngestLog#whenDurable}); on the caller's thread or the log's flushing thread. Takes no lock.
     */
    public void whenDurable(long position, IngestLog.Durable then) {
        log.whenDurable(position, then);
    }

    /**
     * Why the ingest log takes no batch now (its data folder is below the free-space reserve), or {@code null};
     * for {@code /ready} and the metrics. Takes no lock.
     */
    public String refusal() {
        return log.refusal();
    }

    /** Refuses batches as busy while {@code guard} says memory is short. */
    public void pauseWhenMemoryIsShort(MemoryGuard guard) {
        memory = guard;
    }

    /** Why ingestion is paused for memory ({@link MemoryGuard}), or {@code null}; for {@code /ready}. No lock. */
    public String memoryPressure() {
        MemoryGuard guard = memory;
        return guard == null ? null : guard.pausedReason();
    }

    /** Shows whether the ingest log refuses batches, and each shard's gauges, on {@code registry}. */
    public void registerMeters(MeterRegistry registry) {
        Gauge.builder("vigil.ingest.paused", this, paused -> paused.refusal() == null ? 0 : 1)
                .description("1 while the ingest log refuses batches (data folder below its free-space reserve, "
                        + "its disk full, or a failed flush), else 0")
                .strongReference(true)
                .register(registry);
        Gauge.builder("vigil.batch.producers", producers, ProducerWindow::size)
                .description("Producers of named batches whose highest batch is remembered, to acknowledge a batch "
                        + "sent again as a duplicate (bounded by maxProducers)")
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("vigil.batch.producers.forgotten", producers, ProducerWindow::forgotten)
                .description("Producers of named batches forgotten for the maxProducers bound (the least recently "
                        + "active); a batch of theirs sent again is taken again")
                .register(registry);
        FunctionCounter.builder("vigil.duplicate.batches", producers, ProducerWindow::duplicates)
                .description("Named batches acknowledged as duplicates: taken before, not taken again")
                .register(registry);
        for (Shard shard : shards) {
            shard.registerMeters(registry);
        }
    }

    /** Each source's silence and lag as meters, refreshed before each scrape ({@link SourceLag#refresh}). */
    public SourceLag sourceLag() {
        return sourceLag;
    }

    /** Events of a stream passed on to the shards: on time, and read by some rule. */
    public long routed(String stream) {
        return counters.routed(stream);
    }

    /** A stream's current watermark ({@code Long.MIN_VALUE} before any). */
    public long watermark(String stream) {
        return time.watermark(stream);
    }

    /**
     * Every shard's latest counters summed per rule, with the per-stream counts of this door: events in, late,
     * and events no rule reads.
     */
    public EngineCounters counters() {
        return counters.with(shards);
    }


    /** True when every shard takes one more command of up to {@code lines} lines (the whole batch may go to one). */
    private boolean everyShardHasRoom(int lines) {
        for (Shard shard : shards) {
            if (!shard.hasRoom(1, lines)) {
                return false;
            }
        }
        return true;
    }

    /** A reusable array for what became of each line of a batch, counted once the log took the batch. */
    private byte[] outcomes(int lines) {
        if (outcomes.length < lines) {
            outcomes = new byte[Math.max(lines, 2 * outcomes.length)];
        }
        return outcomes;
    }

    private void count(List<InputLine> lines, byte[] outcome) {
        for (int i = 0; i < lines.size(); i++) {
            if (outcome[i] != NOT_AN_EVENT) {
                IngestCounters.StreamCount count = counters.of(((InputLine.EventLine) lines.get(i)).event().stream());
                count.events++;
                if (outcome[i] == LATE) {
                    count.late++;
                } else if (outcome[i] == ROUTED) {
                    count.routed++;
                } else {
                    count.unrouted++;
                }
            }
        }
    }

    private List<List<InputLine>> perShard() {
        List<List<InputLine>> lists = new ArrayList<>(shards.size());
        for (int i = 0; i < shards.size(); i++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    private static void addToEvery(List<List<InputLine>> perShard, InputLine line) {
        for (List<InputLine> list : perShard) {
            list.add(line);
        }
    }

    /** Queues each shard's part; room was checked under the same lock, so no offer fails. */
    private void submitEach(List<List<InputLine>> perShard, long acceptedAtNanos, long position) {
        for (int i = 0; i < shards.size(); i++) {
            List<InputLine> lines = perShard.get(i);
            if (!lines.isEmpty() && !shards.get(i).submit(new ShardCommand.Ingest(lines, acceptedAtNanos, position))) {
                throw new IllegalStateException("shard " + i + " refused a batch after room was checked");
            }
        }
    }
}
