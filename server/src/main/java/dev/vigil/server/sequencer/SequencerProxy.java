package dev.vigil.server.sequencer;

import dev.vigil.nfa.EngineCounters;
import dev.vigil.server.agent.ParkingIdle;
import dev.vigil.server.config.FatalErrors;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.log.LogRecord;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleChanges;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.server.shard.Shard;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * How everyone else talks to the {@link Sequencer}: each method puts one command on its queue and returns at once
 * (Aeron's proxy style); answers come back on the sequencer's thread, or, for the rule changes, on the caller's
 * Vert.x context. Also starts and stops the sequencer's thread, and reads what any thread may read of the door
 * (counters, refusals, the log position).
 *
 * <p>Bounds. The queue holds {@link #CAPACITY} commands; batches may take all but {@link #RESERVED_FOR_CONTROL} of
 * them and, together, at most {@link #MAX_QUEUED_LINES} events and watermarks, so what waits here is bounded whatever
 * the sources send. A batch that does not fit is answered busy at once and its source offers it again later, as
 * when a shard's queue is full. A source's close never gets lost: when the queue is full it waits in an unbounded
 * overflow the sequencer reads once the queue is empty (after the source's last batch).
 *
 * <p><b>Thread-safe.</b>
 */
public final class SequencerProxy implements RuleChanges {
    static final int CAPACITY = 4096;
    static final int RESERVED_FOR_CONTROL = 512;
    /** Events and watermarks all queued batches may hold together (an empty queue takes any batch). */
    static final long MAX_QUEUED_LINES = 1_000_000;
    /**
     * How long the sequencer parks at most: while a command waits for room in the shards' queues (nothing wakes it
     * when they drain), and otherwise (the idle-source check has its own, longer period).
     */
    private static final long ROOM_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long OFFER_RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final Ingest ingest;
    private final ManyToOneConcurrentArrayQueue<SequencerCommand> commands =
            new ManyToOneConcurrentArrayQueue<>(CAPACITY);
    private final ConcurrentLinkedQueue<SequencerCommand> overflow = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBatches = new AtomicLong();
    private final AtomicLong queuedLines = new AtomicLong();
    private final Sequencer sequencer;
    private final ParkingIdle idle;
    private AgentRunner runner;

    /**
     * @param nanoClock the sequencer's clock, read once per duty cycle
     * @param idleCheckNanos how often idle sources are looked for, once live
     */
    public SequencerProxy(Ingest ingest, LongSupplier nanoClock, long idleCheckNanos) {
        this.ingest = ingest;
        this.sequencer = new Sequencer(ingest, commands, overflow, nanoClock, idleCheckNanos);
        this.idle = new ParkingIdle(() -> !commands.isEmpty() || !overflow.isEmpty(),
                () -> sequencer.waitingForRoom() ? ROOM_PARK_NANOS : MAX_PARK_NANOS);
    }

    /** Starts the shards, then the sequencer's thread. */
    public void start() {
        ingest.start();
        startSequencer();
    }

    /** Starts the sequencer's thread alone (its shards already run). */
    public void startSequencer() {
        runner = new AgentRunner(idle, failure -> {
            FatalErrors.check(failure);   // out of memory: the process ends (vigil serve)
            sequencer.report(failure, "");
        }, null, sequencer);
        AgentRunner.startOnThread(runner, work -> new Thread(work, sequencer.roleName()));
    }

    /** Idle sources are looked for a few times per timeout, at most every 10 ms and at least every second. */
    public static long idleCheckNanos(long idleTimeoutMs) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(10, Math.min(1_000, idleTimeoutMs / 4)));
    }

    /**
     * Once the rules are loaded (and recovery replayed the log), idle sources start to be expired by the clock;
     * from the event loop (never waits).
     */
    public void goLive() {
        SequencerCommand live = new SequencerCommand.Sync(true, new CompletableFuture<>());
        if (!commands.offer(live)) {
            overflow.add(live);
        }
        idle.wake();
    }

    /** Pauses ingestion (batches answered busy at once) while {@code guard} says memory is short. */
    public void pauseWhenMemoryIsShort(MemoryGuard guard) {
        ingest.pauseWhenMemoryIsShort(guard);
    }

    /** The agent, for tests that step it without a thread. */
    Sequencer sequencer() {
        return sequencer;
    }

    /**
     * Stops the sequencer's thread (commands still queued are dropped: none of them was acknowledged), then every
     * shard after the commands it holds. Not for event-loop threads.
     */
    public void stop() throws InterruptedException {
        stopSequencer();
        ingest.stop();
    }

    /** Stops the sequencer's thread alone (its shards go on with what they hold). */
    public void stopSequencer() {
        if (runner != null) {
            runner.close();
        }
    }

    /**
     * Offers a batch of {@code source}; {@code reply} gets what became of it, on the sequencer's thread (queued with
     * its log position, or refused by the ingest log). Returns null when the batch was queued; else, at once and with
     * nothing queued, {@link Ingest.Result#BUSY} (the queue is full: offer it again shortly) or a busy result that
     * says memory is short (offer it again when the memory guard resumes).
     */
    public Ingest.Result offer(EventSource source, List<InputLine> lines, Consumer<Ingest.Result> reply) {
        return offer(source, null, lines, reply);
    }

    /**
     * {@link #offer(EventSource, List, Consumer)} of a batch its client named {@code name} (null: unnamed); a batch
     * taken before is answered as a duplicate ({@link Ingest.Result#duplicate}).
     */
    public Ingest.Result offer(EventSource source, BatchId name, List<InputLine> lines,
            Consumer<Ingest.Result> reply) {
        Ingest.Result paused = ingest.pausedForMemory();
        if (paused != null) {
            return paused;
        }
        int size = lines.size();
        long batches = queuedBatches.incrementAndGet();
        long queued = queuedLines.addAndGet(size);
        if (batches > CAPACITY - RESERVED_FOR_CONTROL || queued > MAX_QUEUED_LINES && queued != size) {
            release(size);
            return Ingest.Result.BUSY;
        }
        if (!commands.offer(new SequencerCommand.Offer(source, name, lines, result -> {
            release(size);
            reply.accept(result);
        }))) {
            release(size);
            return Ingest.Result.BUSY;
        }
        idle.wake();
        return null;
    }

    private void release(int lines) {
        queuedBatches.decrementAndGet();
        queuedLines.addAndGet(-lines);
    }

    /**
     * A new source named {@code name}, tracked from now on; null when the queue is full (the connection should be
     * refused as busy).
     */
    public EventSource openSource(String name) {
        return openSource(EventSource.named(name));
    }

    /** As {@link #openSource(String)}, for a source made by the caller ({@link EventSource#holding}). */
    public EventSource openSource(EventSource source) {
        if (!commands.offer(new SequencerCommand.Open(source))) {
            return null;
        }
        idle.wake();
        return source;
    }

    /** The source went away: after its last batch, it stops holding the watermark of its streams back. */
    public void closeSource(EventSource source) {
        SequencerCommand close = new SequencerCommand.Close(source);
        if (!commands.offer(close)) {
            overflow.add(close);
        }
        idle.wake();
    }

    @Override
    public Future<String> deploy(RuleSet next, List<DeployedRule> deployed) {
        Promise<String> answer = Promise.promise();
        Consumer<String> reply = onCallersContext(answer);
        if (!commands.offer(new SequencerCommand.Deploy(next, deployed, reply))) {
            return Future.succeededFuture(Ingest.BUSY);
        }
        idle.wake();
        return answer.future();
    }

    @Override
    public Future<String> undeploy(RuleSet next, String name) {
        Promise<String> answer = Promise.promise();
        Consumer<String> reply = onCallersContext(answer);
        if (!commands.offer(new SequencerCommand.Undeploy(next, name, reply))) {
            return Future.succeededFuture(Ingest.BUSY);
        }
        idle.wake();
        return answer.future();
    }

    /** Completes {@code answer} on the calling thread's Vert.x context, or on the sequencer's thread without one. */
    private static Consumer<String> onCallersContext(Promise<String> answer) {
        Context context = Vertx.currentContext();
        return context == null ? answer::complete : why -> context.runOnContext(ignored -> answer.complete(why));
    }

    /**
     * A checkpoint barrier after everything queued so far: completes once the barrier is in every shard's queue.
     * Not for event-loop threads (it waits while the queue is full).
     */
    public CompletableFuture<Ingest.Barrier> barrier(long id) {
        return barrier(id, null);
    }

    /** {@link #barrier(long)}; shards keeping key state in RocksDB write RocksDB's checkpoints into {@code stores}. */
    public CompletableFuture<Ingest.Barrier> barrier(long id, Path stores) {
        CompletableFuture<Ingest.Barrier> barrier = new CompletableFuture<>();
        put(new SequencerCommand.Barrier(id, stores, barrier));
        return barrier;
    }

    /** Lets the ingest log drop old files (on the sequencer's thread, between appends); the files deleted. */
    public CompletableFuture<List<Path>> retainLog(long neededPosition) {
        CompletableFuture<List<Path>> deleted = new CompletableFuture<>();
        put(new SequencerCommand.Retain(neededPosition, deleted));
        return deleted;
    }

    /**
     * Recovery: gives the shards a logged record again ({@code next}: the rules running once a rule change is
     * replayed, null for other records), after the records replayed before it; a failure completes {@code failed}.
     * Waits while the queue is full.
     */
    public void replay(LogRecord record, RuleSet next, CompletableFuture<Void> failed) {
        put(new SequencerCommand.Replay(record, next, failed));
    }

    /**
     * Completes once every command queued before it has run; {@code live} starts the expiry of idle sources (after
     * recovery). Waits while the queue is full.
     */
    public CompletableFuture<Void> sync(boolean live) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        put(new SequencerCommand.Sync(live, done));
        return done;
    }

    /**
     * A stream's current watermark ({@code Long.MIN_VALUE} before any), once everything queued before has run; waits
     * for the answer, so not for event-loop threads.
     */
    public long watermark(String stream) {
        return watermarkLater(stream).join();
    }

    /** {@link #watermark}, answered when the sequencer gets to it (tests that step the sequencer). */
    CompletableFuture<Long> watermarkLater(String stream) {
        CompletableFuture<Long> watermark = new CompletableFuture<>();
        put(new SequencerCommand.Watermark(stream, watermark));
        return watermark;
    }

    /**
     * What the sequencer remembers of {@code producer}'s named batches (null: nothing), answered on its thread; null
     * at once when its queue is full (the caller answers busy). Never waits.
     */
    public CompletableFuture<ProducerWindow.Mark> producer(String producer) {
        CompletableFuture<ProducerWindow.Mark> mark = new CompletableFuture<>();
        if (!commands.offer(new SequencerCommand.Producer(producer, mark))) {
            return null;
        }
        idle.wake();
        return mark;
    }

    /** Queues {@code command}, waiting while the queue is full; for threads that may wait (never an event loop). */
    private void put(SequencerCommand command) {
        while (!commands.offer(command)) {
            idle.wake();
            LockSupport.parkNanos(OFFER_RETRY_NANOS);
        }
        idle.wake();
    }

    /** Calls {@code then} once the batch at {@code position} is durable ({@link IngestLog#whenDurable}). */
    public void whenDurable(long position, IngestLog.Durable then) {
        ingest.whenDurable(position, then);
    }

    public List<Shard> shards() {
        return ingest.shards();
    }

    public EngineCounters counters() {
        return ingest.counters();
    }

    public long routed(String stream) {
        return ingest.routed(stream);
    }

    public long logPosition() {
        return ingest.logPosition();
    }

    public String refusal() {
        return ingest.refusal();
    }

    public String memoryPressure() {
        return ingest.memoryPressure();
    }

    public String stuckShards() {
        return ingest.stuckShards();
    }

    public boolean running() {
        return ingest.running() && runner != null && !runner.isClosed();
    }

    public void registerMeters(MeterRegistry registry) {
        ingest.registerMeters(registry);
    }

    /** The sources' silence and lag meters, registered and removed as sources come and go; before each scrape. */
    public SourceLag sourceLag() {
        return ingest.sourceLag();
    }

    /**
     * Closes the ingest log: on the sequencer's thread while it runs (between two appends; later batches are refused
     * by the closed log), else at once. Waits, so not for event-loop threads.
     */
    public void closeLog() {
        if (runner == null || runner.isClosed()) {
            ingest.closeLog();
            return;
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        put(new SequencerCommand.CloseLog(closed));
        closed.join();
    }
}
