package dev.vigil.server.backtest;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.Offer;
import dev.vigil.nfa.RuleCounters;
import dev.vigil.server.log.IngestLogSnapshot;
import dev.vigil.server.log.LogRecord;
import dev.vigil.server.shard.Shard;
import dev.vigil.wire.InputLine;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Replays a snapshot of the ingest log through one fresh engine that holds only the candidate rules, and hands
 * their alerts to the caller in the order the engine emits them.
 *
 * <p>Design. The live shards run engines on explicit watermarks only; the ingest numbers the events, decides their
 * streams' watermarks and logs exactly what the shards get: numbered events and watermark lines, in one order. A
 * backtest gives one engine (owning every key: a rule's state per key does not depend on how keys are sliced) the
 * same thing: every logged event whose timestamp lies in the {@link TimeRange}, and every logged watermark (of
 * batches and of deployments), in log order. Alert ids derive from the rule's name and version, the key and the
 * sequence numbers of the matched events, all kept by the log; so a rule deployed before the first event,
 * backtested at its version, emits exactly the alerts it emitted live, ids included.
 *
 * <p>The replay ends with the snapshot's last record, at the last logged watermark, not at infinity: it reports what
 * the rule would have reported by now, and counts the partial matches still open. Late events are not in the log
 * (they never reached a rule). Rule changes in the log are not replayed: the candidates see every event of the range,
 * as if deployed before the first one. A {@code WATERMARK DELAY} in candidate text changes nothing, because the
 * watermarks are the logged ones.
 *
 * <p>Isolation: the engine is this backtest's own, the log is read through a read-only snapshot, and alerts go only
 * to the caller (a rule's {@code TO} sinks are ignored), so live state, the alert log and sinks are never touched.
 *
 * <p>Bounded: the log is streamed record by record; after {@code limit} alerts the next one marks the result
 * truncated and the replay stops at the end of that record. {@link Bounds} stop it too, at once: after a number of
 * events read from the log, after a time, or when the caller cancels (its client went away); the summary says which
 * ({@link Stop}). The engine's state is bounded per key as live.
 *
 * <p><b>Not thread-safe:</b> {@link #run} runs on the calling thread, which must not be an event loop.
 */
public final class Backtest {
    /** The limit that never truncates (for a caller streaming alerts out, like {@code vigil backtest}). */
    public static final long NO_LIMIT = Long.MAX_VALUE;

    /** The live shards' engine configuration, owning every key: a rule's state per key does not depend on slicing. */
    static final EngineConfig CONFIG = Shard.engineConfig(KeySlice.ALL);

    /** Why a replay ended before the end of the log. */
    public enum Stop {
        /** An alert beyond the limit was produced. */
        ALERTS("alerts"),
        /** {@link Bounds#maxEventsRead} events were read. */
        EVENTS("events"),
        /** {@link Bounds#timeoutMs} passed. */
        TIME("time"),
        /** The caller cancelled (the client went away). */
        CANCELLED("cancelled");

        private final String json;

        Stop(String json) {
            this.json = json;
        }

        /** The word answers and metrics use. */
        public String json() {
            return json;
        }
    }

    /**
     * What besides the alert limit ends a replay early.
     *
     * @param maxEventsRead events read from the log at most (in the range or not)
     * @param timeoutMs how long the replay may run, from {@link #run}
     * @param cancelled true once the caller no longer wants the answer; read every few hundred events
     */
    public record Bounds(long maxEventsRead, long timeoutMs, BooleanSupplier cancelled) {
        /** No bound but the alert limit. */
        public static final Bounds NONE = new Bounds(Long.MAX_VALUE, Long.MAX_VALUE, () -> false);

        public Bounds {
            if (maxEventsRead < 1 || timeoutMs < 1) {
                throw new IllegalArgumentException("bounds " + maxEventsRead + " events, " + timeoutMs + " ms < 1");
            }
        }
    }

    /**
     * What a replay did.
     *
     * @param eventsReplayed events of the range the candidates read (events of other streams are skipped)
     * @param eventsRead events read from the log, in the range or not
     * @param alerts alerts handed to the caller
     * @param openPartialMatches partial matches the candidates still hold where the replay ended
     * @param stoppedBy why the replay ended before the end of the snapshot, or null when it read it all
     * @param lastPosition the log position of the last record replayed, in part when it stopped by events, time or
     *     cancel (0 when none)
     */
    public record Summary(long eventsReplayed, long eventsRead, long alerts, long openPartialMatches, Stop stoppedBy,
            long lastPosition) {
        /** True when the replay did not reach the end of the log: the alerts are those found up to where it ended. */
        public boolean truncated() {
            return stoppedBy != null;
        }
    }

    /**
     * Where a running replay is, for a client showing progress: handed to a {@link ProgressListener} when the replay
     * starts and then every so often.
     *
     * @param eventsRead events read from the log so far, in the range or not
     * @param eventsReplayed events of the range the candidates read so far
     * @param alerts alerts handed to the caller so far
     * @param recordsRead log records read so far
     * @param records the records the snapshot holds: {@code recordsRead / records} is the part of the log read
     * @param eventTimeMs the event time of the last event read, or {@link Long#MIN_VALUE} before the first
     * @param elapsedNanos since the replay started
     */
    public record Progress(long eventsRead, long eventsReplayed, long alerts, long recordsRead, long records,
            long eventTimeMs, long elapsedNanos) {
        /** The part of the log read, from 0 to 1 (1 for an empty log). */
        public double fraction() {
            return records == 0 ? 1 : Math.min(1, (double) recordsRead / records);
        }
    }

    /** Told where a replay is; on the replaying thread, so it must hand the value on rather than work long. */
    @FunctionalInterface
    public interface ProgressListener {
        /** No one listens. */
        ProgressListener NONE = progress -> { };

        void progress(Progress progress);
    }

    /** Events read between two looks at the clock and the cancel flag. */
    private static final int CHECK_EVERY = 256;

    private final List<CompiledRule> rules;
    private final TimeRange range;
    private final long limit;
    private final Bounds bounds;
    private final LongSupplier nanoClock;

    /** @param limit alerts handed out at most, from 1 ({@link #NO_LIMIT}: all) */
    public Backtest(List<CompiledRule> rules, TimeRange range, long limit) {
        this(rules, range, limit, Bounds.NONE, System::nanoTime);
    }

    /**
     * @param limit alerts handed out at most, from 1 ({@link #NO_LIMIT}: all)
     * @param nanoClock a monotonic clock ({@code System::nanoTime}) for {@link Bounds#timeoutMs}
     */
    public Backtest(List<CompiledRule> rules, TimeRange range, long limit, Bounds bounds, LongSupplier nanoClock) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("a backtest needs at least one rule");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("alert limit " + limit + " < 1");
        }
        this.rules = List.copyOf(rules);
        this.range = range;
        this.limit = limit;
        this.bounds = bounds;
        this.nanoClock = nanoClock;
    }

    /** Replays {@code log} from its first record to its last, or until a bound; {@code alerts} gets each alert. */
    public Summary run(IngestLogSnapshot log, Consumer<Alert> alerts) {
        return run(log, alerts, ProgressListener.NONE, Long.MAX_VALUE);
    }

    /**
     * As {@link #run(IngestLogSnapshot, Consumer)}, telling {@code progress} where the replay is when it starts and
     * then each time {@code everyNanos} of the clock have passed (looked at every few hundred events and between
     * records, as for the time bound).
     */
    public Summary run(IngestLogSnapshot log, Consumer<Alert> alerts, ProgressListener progress, long everyNanos) {
        Replay replay = new Replay(new Collector(alerts, limit), nanoClock.getAsLong(), log.recordCount(), progress,
                everyNanos);
        progress.progress(replay.progress(replay.startNanos));
        Engine engine = new Engine(rules, CONFIG, replay.collector);
        IngestLogSnapshot.Records records = log.records();
        long lastPosition = 0;
        for (LogRecord record = records.next(); record != null && replay.stop == null; record = records.next()) {
            lastPosition = record.position();
            replay.recordsRead++;
            if (record instanceof LogRecord.Batch batch) {
                replay(engine, batch.lines(), replay);
            } else if (record instanceof LogRecord.Deploy deploy) {
                replay(engine, deploy.watermarks(), replay);   // what every shard got with a deployment
            } else if (!(record instanceof LogRecord.Undeploy) && !(record instanceof LogRecord.Repaired)) {
                throw new AssertionError(record);
            }
            if (replay.stop == null && replay.collector.truncated) {
                replay.stop = Stop.ALERTS;
            }
        }
        long open = 0;
        for (RuleCounters counters : engine.counters().rules()) {
            open += counters.partialMatches();
        }
        return new Summary(replay.events, replay.read, replay.collector.handedOut, open, replay.stop, lastPosition);
    }

    /** Where a replay is: events read and replayed, records read, and why it stopped, if it did. */
    private static final class Replay {
        final Collector collector;
        final long startNanos;
        final long records;
        final ProgressListener listener;
        final long everyNanos;
        long nextProgressNanos;
        long read;
        long events;
        long recordsRead;
        long eventTimeMs = Long.MIN_VALUE;
        Stop stop;

        Replay(Collector collector, long startNanos, long records, ProgressListener listener, long everyNanos) {
            this.collector = collector;
            this.startNanos = startNanos;
            this.records = records;
            this.listener = listener;
            this.everyNanos = everyNanos;
            this.nextProgressNanos = startNanos + everyNanos;
        }

        Progress progress(long nowNanos) {
            return new Progress(read, events, collector.handedOut, recordsRead, records, eventTimeMs,
                    nowNanos - startNanos);
        }

        /** Tells the listener where the replay is when {@code everyNanos} passed since it was last told. */
        void report(long nowNanos) {
            if (listener != ProgressListener.NONE && nowNanos - nextProgressNanos >= 0) {
                nextProgressNanos = nowNanos + everyNanos;
                listener.progress(progress(nowNanos));
            }
        }
    }

    /** Feeds one record's lines, counting into {@code replay}; stops at once when a bound is reached. */
    private void replay(Engine engine, List<? extends InputLine> lines, Replay replay) {
        for (int i = 0; i < lines.size(); i++) {
            InputLine line = lines.get(i);
            if (line instanceof InputLine.EventLine eventLine) {
                if (replay.read == bounds.maxEventsRead()) {
                    replay.stop = Stop.EVENTS;
                    return;
                }
                if (++replay.read % CHECK_EVERY == 0 && (replay.stop = outOfTime(replay)) != null) {
                    return;
                }
                replay.eventTimeMs = eventLine.event().timestamp();
                if (range.contains(eventLine.event().timestamp()) && engine.offer(eventLine.event()) != Offer.UNROUTED) {
                    replay.events++;
                }
            } else if (line instanceof InputLine.WatermarkLine watermark) {
                watermark.applyTo(engine);
            } else {
                throw new AssertionError(line);
            }
        }
        if (replay.stop == null) {
            replay.stop = outOfTime(replay);   // also between records: a log of many small batches
        }
    }

    /** {@link Stop#CANCELLED} or {@link Stop#TIME} when the replay must end now, else null. */
    private Stop outOfTime(Replay replay) {
        if (bounds.cancelled().getAsBoolean()) {
            return Stop.CANCELLED;
        }
        long now = nanoClock.getAsLong();
        replay.report(now);
        long elapsedMs = (now - replay.startNanos) / 1_000_000L;
        return elapsedMs >= bounds.timeoutMs() ? Stop.TIME : null;
    }

    /** Passes alerts on up to the limit; the first one beyond it marks the replay truncated. */
    private static final class Collector implements EngineListener {
        private final Consumer<Alert> alerts;
        private final long limit;
        private long handedOut;
        private boolean truncated;

        Collector(Consumer<Alert> alerts, long limit) {
            this.alerts = alerts;
            this.limit = limit;
        }

        @Override
        public void onAlert(Alert alert) {
            if (handedOut < limit) {
                handedOut++;
                alerts.accept(alert);
            } else {
                truncated = true;
            }
        }

        @Override
        public void onLateEvent(LateEvent late) {
            // never called: the log holds no late event, and the watermarks are those that judged them live
        }
    }
}
