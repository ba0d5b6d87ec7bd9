package dev.vigil.server.shard;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.StateCensus;
import dev.vigil.server.agent.ParkingIdle;
import dev.vigil.server.config.FatalErrors;
import dev.vigil.wire.InputLine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * One engine thread: owns an {@link Engine} and is the only thread that touches it.
 *
 * <p>Design. Other threads talk to a shard only through {@link #submit}, a non-blocking offer to a bounded queue
 * of {@link ShardCommand}s (lock-free, many producers, one consumer: in practice the sequencer, and {@link #stop});
 * a full queue makes the sequencer hold the batch, and its own queue's fullness is the server's backpressure
 * signal, so memory stays bounded whatever clients do. The shard is a single-writer Agrona {@link Agent} like the
 * sequencer: each duty cycle drains up to {@link #MAX_COMMANDS_PER_CYCLE} commands, handling each to completion: rule changes therefore happen between two
 * event batches, and a batch is never split by a deploy. Commands are handled in queue order, so events posted
 * after a deploy was acknowledged are seen by the new rule. Alerts leave through an {@link AlertSink} that never
 * blocks, so a slow subscriber never slows the engine.
 *
 * <p>Several shards share the work by key: each engine owns a {@link dev.vigil.nfa.KeySlice} and ignores
 * the events of other keys, so state per (rule, key) lives in one shard. The shard trusts its input: the sequencer
 * routes events, decides which are late and sends the stream watermarks (the engine uses explicit watermarks
 * only). A bug in the engine is reported with its command and counted; the shard goes on with the next command.
 *
 * <p>Watching. The counters are published every {@link #SNAPSHOT_EVERY_NANOS}, also in the middle of a long batch
 * (checked every {@link #LINES_BETWEEN_CLOCK_READS} lines: no clock read, lock or allocation per event). The shard
 * records when it took the command it is on (one volatile write per command), so other threads can tell a shard
 * that has been on one command for longer than its stuck threshold ({@link #stuckReason}, for {@code /ready} and
 * the metrics). An event over the engine's work bound is logged, at most once per {@link #LOG_EVERY_NANOS}, with
 * the rule and key, which a stuck report names too.
 *
 * <p>Questions. Another thread may ask about the keys ({@link #ask}: a key's partial matches, what an event would
 * find, the partial matches per NFA state) through a second bounded queue, so that questions never take the room the
 * sequencer counted on in the command queue. A question is answered on the shard's thread once every command queued
 * before it is handled (the shard counts the commands submitted and handled), so a client that posted events and
 * then asks sees them; the engine answers without changing anything. A count over every key (a census) goes on in
 * slices between command batches, like a snapshot, and is answered when complete; at most {@link #MAX_CENSUSES} are
 * counted at once. At most {@link #MAX_QUESTIONS} questions are unanswered at a time (queued, waiting for earlier
 * commands, or being counted); beyond, {@link #ask} refuses and the caller says busy.
 *
 * <p>Duty cycle. {@link #doWork} runs the commands queued, the questions due, a slice of the snapshot being written
 * when one is due and of the censuses, the eviction report and the counters when due by its clock, and returns the
 * work done; with none, the thread spins briefly, then parks until the sequencer queues the next command or someone
 * asks ({@link ParkingIdle}), or until the snapshot's next slice is due: a snapshot is written in slices of at most
 * {@link #SNAPSHOT_SLICE_NANOS} and takes at most a {@link #SNAPSHOT_SHARE_DIVISOR}th of the shard's time, so that
 * neither a batch nor the other threads wait long for it (for its first {@link #SNAPSHOT_PACED_NANOS}; a snapshot
 * open longer is written without resting, to meet the checkpoint's deadline). While a census is being counted the thread does not park.
 * Tests run the same cycle without the thread and with a clock of their own.
 *
 * <p><b>Thread-safe</b> at its public surface ({@link #submit}, {@link #stop}, counters); the engine inside is
 * confined to the shard thread (or the one thread that calls {@link #doWork} when the shard is not started).
 */
public final class Shard implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Shard.class);

    static final int MAX_COMMANDS_PER_CYCLE = 64;
    /**
     * Events and watermarks a shard's queue holds at most (beyond the commands bound): enough to keep the engine
     * busy between two batches, few enough that queued events do not outlive young collections (a queue of a
     * million events made the garbage collector the bottleneck).
     */
    static final int MAX_QUEUED_LINES = 65_536;
    /**
     * How often the counters are snapshot while the shard is busy (and once it falls idle): a snapshot once visited
     * every key holding state, which made taking one per batch half of a busy shard's work; the stores now keep
     * running sums, and the interval still saves building a snapshot per batch.
     */
    static final long SNAPSHOT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The shortest and the longest time a shard counts a census's keys between two command batches. */
    static final long MIN_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long MAX_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** The longest time a shard writes its snapshot's keys at once: no batch waits behind a slice for longer. */
    static final long SNAPSHOT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * A snapshot takes at most one part in this many of the shard's time, busy or idle: after each slice the shard
     * rests from its snapshot three times as long as the slice took. Writing a million keys' state costs each shard
     * about half a second of CPU; written as fast as it goes, two shards' snapshots and the checkpoint's file took
     * both of a 2-core machine's cores for about a second, and every event arriving meanwhile waited for a core
     * (p99 285-343 ms at 50,000 events/s with a million keys held). Paced, a checkpoint takes longer (about 2 s per
     * 500,000 keys) and leaves the cores to the events.
     */
    static final int SNAPSHOT_SHARE_DIVISOR = 4;
    /**
     * How long a snapshot is paced: one still open after this (a shard of millions of keys, or RocksDB state,
     * which costs several times as much a key to write) is written between batches without resting, so that it
     * still completes within the checkpointer's deadline ({@code Checkpointer.BARRIER_TIMEOUT_MS}, which counts
     * the writing) rather than failing every checkpoint at a key count the unpaced writing managed.
     */
    static final long SNAPSHOT_PACED_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** Evicted keys are logged at once, then at most this often: a flood of keys evicts one per new key. */
    static final long EVICTION_REPORT_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Questions ({@link ShardQuery}) waiting to be answered at most: beyond, {@link #ask} refuses. */
    public static final int MAX_QUESTIONS = 64;
    /**
     * Censuses counted at once at most (each holds the key list of its rule, or a RocksDB iterator); more wait among
     * the questions.
     */
    static final int MAX_CENSUSES = 4;
    /** Keys a census counts between two looks at the clock. */
    static final int CENSUS_KEYS_PER_STEP = 256;

    /** Lines of a batch between two looks at the clock (for publishing the counters in a long batch). */
    static final int LINES_BETWEEN_CLOCK_READS = 256;
    /** The least time between two log lines about events over the work bound. */
    public static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long a shard may stay on one command before it counts as stuck, unless configured. */
    static final long DEFAULT_STUCK_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** {@link #commandStartedNanos} between commands. */
    private static final long IDLE = Long.MIN_VALUE;

    private final int id;
    private final ManyToOneConcurrentArrayQueue<ShardCommand> commands;
    /** The commands the queue may hold (the Agrona queue's own capacity is the next power of two). */
    private final int capacity;
    private final ParkingIdle idle;
    /** Questions asked, each with the number of commands submitted before it. */
    private final ManyToOneConcurrentArrayQueue<Asked> questions = new ManyToOneConcurrentArrayQueue<>(MAX_QUESTIONS);
    /** Commands {@link #submit}ted so far (any thread). */
    private final AtomicLong submitted = new AtomicLong();
    /** Commands handled so far (shard thread only): a question waits until it reaches its {@link Asked#after}. */
    private long commandsHandled;
    /** Questions taken from the queue that wait for commands submitted before them (shard thread only). */
    private final ArrayDeque<Asked> askedEarly = new ArrayDeque<>();
    /** Takes a question out of the queue (made once: a duty cycle allocates nothing when nobody asks). */
    private final java.util.function.Consumer<Asked> takeQuestion = askedEarly::add;
    /** Censuses being counted, with the questions they answer (shard thread only). */
    private final List<Counting> censuses = new ArrayList<>();
    /** Questions asked and not answered yet: queued, waiting for earlier commands, or being counted (any thread). */
    private final AtomicInteger unanswered = new AtomicInteger();
    /** Questions refused because {@link #MAX_QUESTIONS} were unanswered already (any thread). */
    private final AtomicLong refusedQuestions = new AtomicLong();
    /** Set once the shard has stopped: a question asked then fails at once. */
    private volatile boolean stopped;
    private AgentRunner runner;
    private final Engine engine;
    private final AlertSink alerts;
    /** The checkpoint state being written between batches, or null. */
    private ShardSnapshot snapshot;
    /** When the snapshot's next slice is due, and when the snapshot began ({@code System.nanoTime}; shard thread only). */
    private long nextSliceAt;
    private long snapshotBegan;
    private volatile long failedCommands;
    private final AcceptTimes acceptTimes = new AcceptTimes();
    private volatile EngineCounters counters;
    private volatile long position;
    private final AtomicLong queuedLines = new AtomicLong();
    private final LongSupplier nanoClock;
    private final long stuckNanos;
    /** The clock when the shard took the command it is on, or {@link #IDLE}; written by the shard thread only. */
    private volatile long commandStartedNanos = IDLE;
    /** The command being handled (described only for a stuck report). */
    private volatile ShardCommand currentCommand;
    /** "rule R, key K" of the latest event over the work bound, or null. */
    private volatile String lastOverWorkBound;
    /** Events over the work bound since the last log line about them (shard thread only). */
    private long unloggedOverWorkBound;
    private long overWorkBoundLoggedAt;
    private boolean overWorkBoundLogged;
    /** When the counters were last published (shard thread only). */
    private long countersAt;
    /** Whether commands were handled since the counters were last published (shard thread only). */
    private boolean changedSinceCounters;
    /** The commands of the current duty cycle (shard thread only). */
    private final List<ShardCommand> cycleBatch = new ArrayList<>(MAX_COMMANDS_PER_CYCLE);
    /** Keys evicted per rule since the last report, and when that went out (shard thread only). */
    private final Map<String, long[]> evictedSinceReport = new LinkedHashMap<>();
    private boolean evictionsReported;
    private long evictionsReportedAt;

    /** Builds a shard's engine around the listener the shard gives it: fresh, or restored from a checkpoint. */
    @FunctionalInterface
    public interface EngineFactory {
        Engine create(EngineListener listener);
    }

    public Shard(int id, int queueCapacity, List<CompiledRule> rules, EngineConfig config, AlertSink alerts) {
        this(id, queueCapacity, listener -> new Engine(rules, config, listener), alerts);
    }

    public Shard(int id, int queueCapacity, EngineFactory engines, AlertSink alerts) {
        this(id, queueCapacity, engines, alerts, System::nanoTime, DEFAULT_STUCK_NANOS);
    }

    /**
     * How the server's engines run, owning {@code slice} of the keys: on the watermarks the ingest sends (explicit
     * watermarks only), with the default state bounds. A backtest runs its engine the same way, owning every key.
     */
    public static EngineConfig engineConfig(KeySlice slice) {
        return EngineConfig.defaults().withWatermarksFromInputOnly(true).withSlice(slice);
    }

    /**
     * @param nanoClock {@code System.nanoTime} but in tests: when commands start, when counters are due
     * @param stuckNanos how long the shard may stay on one command before {@link #stuckReason} reports it
     */
    public Shard(int id, int queueCapacity, EngineFactory engines, AlertSink alerts, LongSupplier nanoClock,
            long stuckNanos) {
        this.id = id;
        this.nanoClock = nanoClock;
        this.stuckNanos = stuckNanos;
        this.capacity = queueCapacity;
        this.commands = new ManyToOneConcurrentArrayQueue<>(Math.max(2, queueCapacity));
        this.idle = new ParkingIdle(() -> !commands.isEmpty() || !questions.isEmpty(), this::parkNanos);
        this.alerts = alerts;
        this.engine = engines.create(new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.publish(alert, acceptTimes.acceptedAt(alert));
            }

            @Override
            public void onLateEvent(LateEvent late) {
                // never called: the ingest drops late events before they reach a shard
            }

            @Override
            public void onWorkBoundExceeded(String rule, Object key, int count) {
                overWorkBound(rule, key, count);
            }

            @Override
            public void onKeyEvicted(String rule, Object key, int partialMatches) {
                evictedSinceReport.computeIfAbsent(rule, name -> new long[1])[0]++;
            }
        });
        this.counters = engine.counters();
        this.countersAt = nanoClock.getAsLong();
    }

    /** Starts the shard's thread, {@code vigil-shard-<id>}. */
    public void start() {
        runner = new AgentRunner(idle, this::report, null, this);
        AgentRunner.startOnThread(runner, work -> new Thread(work, roleName()));
    }

    @Override
    public String roleName() {
        return "vigil-shard-" + id;
    }

    /** Queues a command without blocking and wakes the shard; false when the queue is full. */
    public boolean submit(ShardCommand command) {
        if (commands.size() >= capacity) {
            return false;
        }
        int lines = command instanceof ShardCommand.Ingest ingest ? ingest.lines().size() : 0;
        queuedLines.addAndGet(lines);
        if (!commands.offer(command)) {
            queuedLines.addAndGet(-lines);
            return false;
        }
        submitted.incrementAndGet();
        idle.wake();
        return true;
    }

    /**
     * Asks a question about the shard's keys without blocking; it is answered on the shard's thread after every
     * command submitted before it. False when {@link #MAX_QUESTIONS} are unanswered already (the caller answers
     * busy); a
     * question asked of a stopped shard fails at once.
     */
    public boolean ask(ShardQuery query) {
        if (unanswered.incrementAndGet() > MAX_QUESTIONS || !questions.offer(new Asked(query, submitted.get()))) {
            unanswered.decrementAndGet();
            refusedQuestions.incrementAndGet();
            return false;
        }
        idle.wake();
        if (stopped) {   // the shard may have drained its questions for the last time before this one came
            query.fail(new IllegalStateException("shard " + id + " has stopped"));
        }
        return true;
    }

    /** Stops the thread after the commands already queued and waits for it; not for event-loop threads. */
    public void stop() throws InterruptedException {
        if (!running()) {
            return;
        }
        ShardCommand.Stop stop = new ShardCommand.Stop();
        while (!commands.offer(stop)) {
            idle.wake();
            Thread.sleep(1);
        }
        idle.wake();
        Thread thread = runner.thread();
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        runner.close();
    }

    public int id() {
        return id;
    }

    public int queueDepth() {
        return commands.size();
    }

    /**
     * True when the queue takes {@code commands} more commands holding {@code lines} events and watermarks: the
     * queue is bounded in commands and in the lines they hold ({@link #MAX_QUEUED_LINES}), so its memory does not
     * depend on the batch size. An empty queue takes any batch, however large.
     */
    public boolean hasRoom(int commands, int lines) {
        long queued = queuedLines.get();
        return capacity - this.commands.size() >= commands
                && (queued == 0 || queued + lines <= MAX_QUEUED_LINES);
    }

    /** The ingest log position of the last batch this shard has handled. */
    public long position() {
        return position;
    }

    public long failedCommands() {
        return failedCommands;
    }

    /**
     * The engine's counters, at most {@link #SNAPSHOT_EVERY_NANOS} old while the shard is busy and up to date soon
     * after it falls idle: an immutable snapshot, read without locks.
     */
    public EngineCounters counters() {
        return counters;
    }

    /**
     * Why this shard counts as stuck at {@code nowNanos} (of its clock): it has been on one command for longer than
     * its threshold; or null. Read by any thread, without locks.
     */
    public String stuckReason(long nowNanos) {
        long started = commandStartedNanos;
        if (started == IDLE || nowNanos - started <= stuckNanos) {
            return null;
        }
        String overBound = lastOverWorkBound;
        ShardCommand command = currentCommand;
        return "shard " + id + " has been handling " + (command == null ? "a command" : describe(command)) + " for "
                + TimeUnit.NANOSECONDS.toSeconds(nowNanos - started) + " s (stuck after "
                + TimeUnit.NANOSECONDS.toMillis(stuckNanos) + " ms)"
                + (overBound == null ? "" : "; the latest event over the work bound was of " + overBound);
    }

    /** {@link #stuckReason} now. */
    public String stuckReason() {
        return stuckReason(nanoClock.getAsLong());
    }

    /** Seconds the shard has been on its current command, 0 between commands; for the metrics. */
    public double commandSeconds() {
        long started = commandStartedNanos;
        return started == IDLE ? 0 : Math.max(0, nanoClock.getAsLong() - started) / 1e9;
    }

    /** Shows this shard's queue depth, time on its command and whether it is stuck on {@code registry}. */
    public void registerMeters(MeterRegistry registry) {
        gauge(registry, "vigil.shard.queue.depth", Shard::queueDepth,
                "Commands (event batches, rule changes) waiting in the shard's queue");
        gauge(registry, "vigil.shard.command.seconds", Shard::commandSeconds,
                "How long the shard has been on the command it is handling (0 between commands)");
        gauge(registry, "vigil.shard.stuck", stuck -> stuck.stuckReason() == null ? 0 : 1,
                "1 while the shard has been on one command longer than stuckShardAfter (then /ready answers 503), else 0");
        FunctionCounter.builder("vigil.shard.questions.refused", refusedQuestions, AtomicLong::get)
                .description("Questions about keys (GET /v1/rules/{name}/keys, explain, nfa counts) refused with 503 "
                        + "because " + MAX_QUESTIONS + " were unanswered by the shard already")
                .tag("shard", Integer.toString(id)).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, ToDoubleFunction<Shard> value, String description) {
        Gauge.builder(name, this, value).description(description).tag("shard", Integer.toString(id))
                .strongReference(true).register(registry);
    }

    /** True from {@link #start} until the thread ends. */
    public boolean running() {
        Thread thread = runner == null ? null : runner.thread();
        return thread != null && thread.isAlive();
    }

    /**
     * One duty cycle, without waiting: the commands queued (up to {@link #MAX_COMMANDS_PER_CYCLE}), each to
     * completion; then a slice of the snapshot being written, when one is due; then, by the shard's clock, the
     * eviction report and the counters. Returns the work done: the commands handled, plus one for a slice of the
     * snapshot and one while a census is being counted (so that the thread does not park then). The stop command
     * ends it with Agrona's {@link AgentTerminationException}.
     */
    @Override
    public int doWork() {
        long cycleStarted = System.nanoTime();
        int handled = 0;
        commands.drainTo(cycleBatch, MAX_COMMANDS_PER_CYCLE);
        if (!cycleBatch.isEmpty()) {
            for (int i = 0; i < cycleBatch.size(); i++) {
                ShardCommand command = cycleBatch.get(i);
                if (command instanceof ShardCommand.Stop) {
                    cycleBatch.clear();
                    stopSnapshot();
                    stopped = true;
                    failQuestions(new IllegalStateException("shard " + id + " stopped before answering"));
                    counters = engine.counters();
                    engine.close();   // frees the RocksDB state, if any
                    throw new AgentTerminationException("shard " + id + " stopped");
                }
                currentCommand = command;
                commandStartedNanos = nanoClock.getAsLong();
                handle(command);
                commandStartedNanos = IDLE;
                currentCommand = null;
                handled++;
                commandsHandled++;
            }
            cycleBatch.clear();
            changedSinceCounters = true;
        }
        int asked = questions.isEmpty() && askedEarly.isEmpty() ? 0 : answerQuestions();
        int sliced = 0;
        if (snapshot != null && System.nanoTime() - nextSliceAt >= 0) {
            long began = System.nanoTime();
            continueSnapshot(SNAPSHOT_SLICE_NANOS);
            rest(began);
            sliced = 1;
        }
        if (!censuses.isEmpty()) {
            // Half as long as the batches just handled took, within bounds: the censuses get a third of a busy
            // shard's time, and no slice stops the events for long.
            continueCensuses(Math.max(MIN_SLICE_NANOS, Math.min(MAX_SLICE_NANOS,
                    (System.nanoTime() - cycleStarted) / 2)));
        }
        long now = nanoClock.getAsLong();
        if (!evictedSinceReport.isEmpty()) {
            reportEvictions(now);
        }
        boolean idle = handled == 0 && snapshot == null;   // while writing state, no command is no idle
        if (changedSinceCounters && (idle || now - countersAt >= SNAPSHOT_EVERY_NANOS)) {
            publishCounters(now);
            changedSinceCounters = false;
        }
        return handled + asked + sliced + (censuses.isEmpty() ? 0 : 1);
    }

    /**
     * Rests from the snapshot {@code SNAPSHOT_SHARE_DIVISOR - 1} times as long as its step begun then took, for the
     * snapshot's first {@link #SNAPSHOT_PACED_NANOS}; after that not at all.
     */
    private void rest(long began) {
        long now = System.nanoTime();
        boolean paced = now - snapshotBegan < SNAPSHOT_PACED_NANOS;
        nextSliceAt = paced ? now + (now - began) * (SNAPSHOT_SHARE_DIVISOR - 1) : now;
    }

    /** How long the idle thread may park: until the snapshot's next slice is due, else until the counters are. */
    private long parkNanos() {
        if (snapshot == null) {
            return SNAPSHOT_EVERY_NANOS;
        }
        return Math.max(1, Math.min(SNAPSHOT_EVERY_NANOS, nextSliceAt - System.nanoTime()));
    }

    /**
     * Answers the questions whose earlier commands are all handled, in the order asked; returns how many were
     * answered or started (a census is answered later).
     */
    private int answerQuestions() {
        questions.drain(takeQuestion);
        int answered = 0;
        for (Iterator<Asked> waiting = askedEarly.iterator(); waiting.hasNext(); ) {
            Asked next = waiting.next();
            if (next.after() > commandsHandled) {
                continue;   // a command submitted before it is still queued
            }
            if (next.query() instanceof ShardQuery.Census && censuses.size() >= MAX_CENSUSES) {
                continue;   // starts when a census being counted ends
            }
            waiting.remove();
            answer(next.query());
            answered++;
        }
        return answered;
    }

    private void answer(ShardQuery query) {
        boolean counting = false;
        try {
            if (query instanceof ShardQuery.Inspect inspect) {
                inspect.answer().complete(engine.inspect(inspect.rule(), inspect.key(), inspect.maxPartialMatches(),
                        inspect.maxEvents(), inspect.maxWaiting()));
            } else if (query instanceof ShardQuery.Explain explain) {
                explain.answer().complete(engine.explain(explain.rule(), explain.event(), explain.maxRuns()));
            } else if (query instanceof ShardQuery.Census census) {
                StateCensus started = engine.census(census.rule());
                if (started == null) {
                    census.answer().complete(null);
                } else {
                    censuses.add(new Counting(started, census));
                    counting = true;   // answered when complete
                }
            } else {
                throw new AssertionError(query);
            }
        } catch (RuntimeException failed) {
            LOG.warn("shard {}: cannot answer {}: {}", id, query.getClass().getSimpleName(), failed.toString());
            query.fail(failed);
        }
        if (!counting) {
            unanswered.decrementAndGet();
        }
    }

    /** Counts the censuses' keys for about {@code budgetNanos}, one after the other; answers those complete. */
    private void continueCensuses(long budgetNanos) {
        long started = System.nanoTime();
        for (Iterator<Counting> open = censuses.iterator(); open.hasNext(); ) {
            Counting counting = open.next();
            boolean done;
            try {
                do {
                    done = counting.census().count(CENSUS_KEYS_PER_STEP);
                } while (!done && System.nanoTime() - started < budgetNanos);
            } catch (RuntimeException failed) {
                LOG.warn("shard {}: cannot count the partial matches of rule {}: {}", id,
                        counting.census().rule(), failed.toString());
                counting.census().close();
                counting.query().fail(failed);
                unanswered.decrementAndGet();
                open.remove();
                continue;
            }
            if (!done) {
                return;
            }
            open.remove();
            StateCensus census = counting.census();
            counting.query().answer().complete(new ShardQuery.Counted(census.rule(), census.version(),
                    census.partialMatchesByState(), census.keysCounted()));
            unanswered.decrementAndGet();
        }
    }

    /** Fails every question not answered yet and every census being counted: the shard stops. */
    private void failQuestions(Exception why) {
        questions.drain(takeQuestion);
        for (Asked asked : askedEarly) {
            asked.query().fail(why);
            unanswered.decrementAndGet();
        }
        askedEarly.clear();
        for (Counting counting : censuses) {
            counting.census().close();
            counting.query().fail(why);
            unanswered.decrementAndGet();
        }
        censuses.clear();
    }

    /** A question and the number of commands submitted before it was asked. */
    private record Asked(ShardQuery query, long after) {}

    /** A census being counted and the question it answers. */
    private record Counting(StateCensus census, ShardQuery.Census query) {}

    /** Says a failure of the duty cycle itself (a command's own failure is {@link #handle}'s); not the stop. */
    private void report(Throwable failure) {
        if (failure instanceof AgentTerminationException) {
            return;
        }
        FatalErrors.check(failure);   // out of memory: the process ends (vigil serve)
        LOG.error("shard {}: internal error: {}", id, failure.toString(), failure);
    }

    /** Logs the keys evicted since the last report: at once the first time, then at most once a minute. */
    private void reportEvictions(long now) {
        if (evictionsReported && now - evictionsReportedAt < EVICTION_REPORT_EVERY_NANOS) {
            return;
        }
        StringBuilder rules = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, long[]> rule : evictedSinceReport.entrySet()) {
            rules.append(rules.length() == 0 ? "" : ", ").append(rule.getKey()).append(' ').append(rule.getValue()[0]);
            total += rule.getValue()[0];
        }
        LOG.warn("shard {}: evicted {} key(s) holding partial matches{} ({}): more keys held partial matches than "
                + "maxKeysPerRule or maxKeys allow (split between the shards), so those holding them the longest lost "
                + "them; see evictedKeys in the rules' status", id, total,
                evictionsReported ? " since the last report" : "", rules);
        evictedSinceReport.clear();
        evictionsReported = true;
        evictionsReportedAt = now;
    }

    private void handle(ShardCommand command) {
        try {
            if (command instanceof ShardCommand.Ingest ingest) {
                try {
                    acceptTimes.record(ingest.lines(), ingest.acceptedAtNanos());
                    onIngest(ingest.lines());
                    position = ingest.position();
                } finally {
                    queuedLines.addAndGet(-ingest.lines().size());   // also after a failure: the batch has left
                }
            } else if (command instanceof ShardCommand.Deploy deploy) {
                finishSnapshot();
                for (CompiledRule rule : deploy.rules()) {
                    engine.deploy(rule);
                }
                onIngest(deploy.watermarks());
            } else if (command instanceof ShardCommand.Undeploy undeploy) {
                finishSnapshot();
                engine.undeploy(undeploy.name());
            } else if (command instanceof ShardCommand.Checkpoint checkpoint) {
                startSnapshot(checkpoint);
            } else {
                throw new AssertionError(command);
            }
        } catch (RuntimeException bug) {
            failedCommands++;
            LOG.error("shard {}: internal error handling {}: {}", id, command.getClass().getSimpleName(),
                    bug.toString(), bug);
        }
    }

    /**
     * Starts writing the engine's state for {@code checkpoint} (a previous checkpoint's state is finished first);
     * the keys are written between later batches ({@link #continueSnapshot}).
     */
    private void startSnapshot(ShardCommand.Checkpoint checkpoint) {
        finishSnapshot();
        try {
            long began = System.nanoTime();
            snapshotBegan = began;
            snapshot = ShardSnapshot.start(engine, checkpoint, id);
            rest(began);
        } catch (IOException | RuntimeException failed) {
            checkpoint.state().completeExceptionally(failed);
        }
    }

    /** Writes the snapshot's keys for about {@code budgetNanos}, then hands the state on once it is complete. */
    private void continueSnapshot(long budgetNanos) {
        try {
            if (snapshot.writeFor(budgetNanos)) {
                handOver(snapshot);
            }
        } catch (IOException | RuntimeException failed) {
            fail(failed);
        }
    }

    /** Writes the rest of the snapshot being written, if any, now: before rules change or another checkpoint. */
    private void finishSnapshot() {
        if (snapshot != null) {
            continueSnapshot(Long.MAX_VALUE);
        }
    }

    /** Lets the state go once the alerts published before it are logged. Writing to disk is the checkpointer's. */
    private void handOver(ShardSnapshot written) {
        snapshot = null;
        ShardState state = written.state();
        alerts.afterEarlierAlerts(() -> written.checkpoint().state().complete(state));
    }

    /** The shard stops: a checkpoint it was writing fails (the checkpointer keeps the previous one). */
    private void stopSnapshot() {
        if (snapshot != null) {
            fail(new IllegalStateException("shard " + id + " stopped before its state was written"));
        }
    }

    private void fail(Exception failed) {
        ShardSnapshot failedSnapshot = snapshot;
        snapshot = null;
        engine.abandonSnapshot();
        failedSnapshot.checkpoint().state().completeExceptionally(failed);
    }

    private void publishCounters(long now) {
        counters = engine.counters();
        countersAt = now;
    }

    private static String describe(ShardCommand command) {
        if (command instanceof ShardCommand.Ingest ingest) {
            return "one event batch (" + ingest.lines().size() + " lines)";
        } else if (command instanceof ShardCommand.Deploy deploy) {
            return "one rule deployment (" + deploy.rules().size() + " rules)";
        } else if (command instanceof ShardCommand.Checkpoint checkpoint) {
            return "checkpoint " + checkpoint.id();
        }
        return "one " + command.getClass().getSimpleName();
    }

    /** Remembers and logs (rate-limited) an event over the work bound. */
    private void overWorkBound(String rule, Object key, int dropped) {
        String where = "rule " + rule + ", key " + key;
        lastOverWorkBound = where;
        long now = nanoClock.getAsLong();
        if (overWorkBoundLogged && now - overWorkBoundLoggedAt < LOG_EVERY_NANOS) {
            unloggedOverWorkBound++;
            return;
        }
        LOG.warn("shard {}: {}: an event needed more work than the bound per event and key (maxWorkPerEvent); the "
                + "key's {} partial match(es) were dropped{}", id, where, dropped, unloggedOverWorkBound == 0 ? ""
                        : " (" + unloggedOverWorkBound + " more such event(s) since the last report)");
        overWorkBoundLogged = true;
        overWorkBoundLoggedAt = now;
        unloggedOverWorkBound = 0;
    }

    private void onIngest(List<? extends InputLine> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (i % LINES_BETWEEN_CLOCK_READS == LINES_BETWEEN_CLOCK_READS - 1) {
                long now = nanoClock.getAsLong();
                if (now - countersAt >= SNAPSHOT_EVERY_NANOS) {
                    publishCounters(now);   // a long batch keeps the counters fresh
                }
            }
            InputLine line = lines.get(i);
            if (line instanceof InputLine.EventLine event) {
                engine.offer(event.event());
            } else if (line instanceof InputLine.WatermarkLine watermark) {
                watermark.applyTo(engine);
            } else {
                throw new AssertionError(line);
            }
        }
    }
}
