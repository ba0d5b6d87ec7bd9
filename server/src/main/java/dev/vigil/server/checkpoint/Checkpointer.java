package dev.vigil.server.checkpoint;

import dev.vigil.server.config.FatalErrors;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.server.shard.Shard;
import dev.vigil.server.shard.ShardSnapshot;
import dev.vigil.server.shard.ShardState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes checkpoints every interval and savepoints on request, on its own thread: sends the barrier through the
 * ingest door ({@link Ingest#checkpoint}), waits for every shard's state (each shard writes its own state to memory
 * in short slices between event batches, see {@link ShardSnapshot}) and for the alerts before the barrier to be
 * logged, then writes the file and lets the ingest log drop what no kept checkpoint needs.
 *
 * <p>A periodic checkpoint is skipped when nothing reached the door since the last one (the state cannot have
 * changed). A failed checkpoint is reported and counted; the previous one stays the latest.
 *
 * <p><b>Thread-safe:</b> all work runs on the checkpointer's one thread; statistics are immutable snapshots.
 */
public final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    /** How long the barrier may wait for room in the shards' queues, and for the shards to reach it. */
    static final long BARRIER_TIMEOUT_MS = 60_000;

    private final SequencerProxy ingest;
    private final CheckpointStore store;
    private final long intervalMs;
    private final Clock clock;
    private final LongConsumer retainAfter;
    private final long barrierTimeoutMs;
    private final ScheduledExecutorService thread;
    private long nextId = 1;
    private long lastPosition = -1;
    private volatile CheckpointStats stats;

    /**
     * @param intervalMs between two periodic checkpoints; 0 for savepoints only
     * @param retainAfter told the oldest log position a kept checkpoint needs, after each checkpoint
     */
    public Checkpointer(SequencerProxy ingest, CheckpointStore store, long intervalMs, Clock clock,
            LongConsumer retainAfter) {
        this(ingest, store, intervalMs, clock, retainAfter, BARRIER_TIMEOUT_MS);
    }

    /** @param barrierTimeoutMs how long the barrier may wait for room in the queues and for the shards to reach it */
    public Checkpointer(SequencerProxy ingest, CheckpointStore store, long intervalMs, Clock clock,
            LongConsumer retainAfter, long barrierTimeoutMs) {
        this.barrierTimeoutMs = barrierTimeoutMs;
        this.ingest = ingest;
        this.store = store;
        this.intervalMs = intervalMs;
        this.clock = clock;
        this.retainAfter = retainAfter;
        this.stats = CheckpointStats.none(intervalMs);
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread named = new Thread(task, "vigil-checkpoint");
            named.setDaemon(true);
            return named;
        });
    }

    /** Starts the periodic checkpoints (none when the interval is 0). */
    public Checkpointer start() {
        thread.execute(() -> {
            try {
                nextId = store.nextId();
            } catch (IOException unreadable) {
                LOG.warn("cannot list the checkpoints folder: {}", unreadable.getMessage());
            }
        });
        if (intervalMs > 0) {
            thread.scheduleWithFixedDelay(this::periodic, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    public CheckpointStats stats() {
        return stats;
    }

    /**
     * The checkpoint meters, read from the latest statistics when scraped: checkpoints (and savepoints) completed and
     * failed, and of the latest one its duration, the engine state's size, the longest shard pause and its age. The
     * age is how long the state has had changes no checkpoint holds: it counts from the latest written, or from the
     * latest periodic checkpoint skipped because nothing changed, so it stays below the interval on an idle server;
     * none of the latest's gauges has a value (NaN) before this process took one.
     */
    public void registerMeters(MeterRegistry registry) {
        FunctionCounter.builder("vigil.checkpoints.completed", this, self -> self.stats.completed())
                .description("Checkpoints and savepoints written").register(registry);
        FunctionCounter.builder("vigil.checkpoints.failed", this, self -> self.stats.failed())
                .description("Checkpoints and savepoints that failed (the previous one stays the latest)")
                .register(registry);
        latestGauge(registry, "vigil.checkpoint.duration", "seconds",
                "From the barrier to the file on disk, for the latest checkpoint or savepoint",
                latest -> latest.durationNanos() / 1e9);
        latestGauge(registry, "vigil.checkpoint.size", "bytes",
                "The engine state's size over all shards, in the latest checkpoint or savepoint",
                CheckpointStats::stateBytes);
        latestGauge(registry, "vigil.checkpoint.shard.pause", "seconds",
                "The longest time one shard stopped handling events to write its state, for the latest checkpoint",
                latest -> latest.longestPauseNanos() / 1e9);
        latestGauge(registry, "vigil.checkpoint.age", "seconds",
                "Wall-clock time since the engine state was last known to be all in a checkpoint or savepoint: "
                        + "since the latest was written, or since a periodic checkpoint found nothing changed",
                latest -> (clock.millis() - latest.currentAtMs()) / 1e3);
    }

    private void latestGauge(MeterRegistry registry, String name, String unit, String description,
            ToDoubleFunction<CheckpointStats> value) {
        Gauge.builder(name, this, self -> self.stats.latest() == null ? Double.NaN : value.applyAsDouble(self.stats))
                .baseUnit(unit).description(description).strongReference(true).register(registry);
    }

    /** Takes a savepoint named {@code name}; completes with its header, or with the reason it failed. */
    public CompletableFuture<CheckpointFormat.Header> savepoint(String name) {
        CompletableFuture<CheckpointFormat.Header> done = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                Checkpoint taken = take(name);
                done.complete(store.savepoint(taken.name()).orElseThrow());
            } catch (Exception failed) {
                done.completeExceptionally(failed);
            }
        });
        return done;
    }

    /** Takes a checkpoint now (when the state changed since the last); completes when it is on disk. */
    public CompletableFuture<Void> checkpointNow() {
        return CompletableFuture.runAsync(this::periodic, thread);
    }

    private void periodic() {
        if (ingest.logPosition() == lastPosition) {
            stats = stats.stillCurrent(clock.millis());   // an idle server's state is as fresh as now
            return;
        }
        try {
            take(null);
        } catch (Exception failed) {
            stats = stats.failed(describe(failed));
            LOG.warn("checkpoint failed (the previous one stays the latest): {}", describe(failed));
        } catch (OutOfMemoryError fatal) {
            FatalErrors.check(fatal);   // the executor would swallow it and stop checkpointing
            throw fatal;
        }
    }

    /** A failure's message, or its kind when it has none (a bare exception must never read "null"). */
    public static String describe(Throwable failed) {
        String message = failed.getMessage();
        return message == null || message.isBlank() ? failed.getClass().getSimpleName() : message;
    }

    /** One checkpoint, or a savepoint when {@code name} is set. */
    private Checkpoint take(String name) throws IOException, InterruptedException, ExecutionException,
            TimeoutException {
        long id = nextId++;
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(barrierTimeoutMs);
        // A periodic checkpoint of RocksDB state leaves the keys in RocksDB's own checkpoints, beside the file;
        // a savepoint holds every key.
        Path stores = name == null ? store.storeCheckpoints(id) : null;
        try {
            return take(id, name, started, deadline, stores);
        } catch (IOException | InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            if (stores != null) {
                try {
                    store.deleteStoreCheckpoints(id);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);   // deleted when the store next opens
                }
            }
            throw e;
        }
    }

    private Checkpoint take(long id, String name, long started, long deadline, Path stores) throws IOException,
            InterruptedException, ExecutionException, TimeoutException {
        Ingest.Barrier barrier;
        try {
            barrier = ingest.barrier(id, stores).get(Math.max(1, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (TimeoutException full) {
            throw new TimeoutException("the shards' queues stayed full for " + barrierTimeoutMs + " ms");
        }
        List<byte[]> states = new ArrayList<>(barrier.states().size());
        long longestPause = 0;
        for (int shard = 0; shard < barrier.states().size(); shard++) {
            ShardState state;
            try {
                state = barrier.states().get(shard).get(Math.max(1, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (TimeoutException late) {
                throw new TimeoutException("shard " + shard + " did not reach the barrier of checkpoint " + id
                        + " within " + barrierTimeoutMs + " ms" + busy(shard));
            } catch (ExecutionException failed) {
                throw new IOException("shard " + shard + " could not write its state for checkpoint " + id + ": "
                        + describe(failed.getCause()), failed.getCause());
            }
            states.add(state.state().toByteArray());
            longestPause = Math.max(longestPause, state.pauseNanos());
        }
        Checkpoint checkpoint = new Checkpoint(id, name, barrier.position(), clock.millis(),
                serverVersion(), barrier.sequence(), barrier.watermarks(), barrier.rules(), states,
                barrier.producers());
        if (name == null) {
            store.writeCheckpoint(checkpoint);
            lastPosition = barrier.position();
        } else {
            store.writeSavepoint(checkpoint);
        }
        stats = stats.completed(checkpoint, System.nanoTime() - started, longestPause);
        if (name == null) {
            try {
                retainAfter.accept(store.oldestKeptPosition());
            } catch (RuntimeException failed) {   // the checkpoint stands; old log files stay until the next try
                LOG.warn(failed.getMessage());
            }
        }
        return checkpoint;
    }

    /** What a shard late for the barrier is doing, as far as known. */
    private String busy(int shard) {
        if (shard >= ingest.shards().size()) {
            return "";
        }
        Shard late = ingest.shards().get(shard);
        String stuck = late.stuckReason();
        if (stuck != null) {
            return " (" + stuck + ")";
        }
        double seconds = late.commandSeconds();
        return seconds > 0 ? String.format(java.util.Locale.ROOT, " (it has been on one command for %.1f s)", seconds)
                : "";
    }

    /** Stops taking checkpoints; waits for one being taken. */
    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(BARRIER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** This server's version, as its jar's manifest says ("development build" when run from classes). */
    static String serverVersion() {
        String version = Checkpointer.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
