package dev.vigil.server.backtest;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.Offer;
import dev.vigil.nfa.runtime.RuleCounters;
import dev.vigil.server.VigilServer;
import dev.vigil.server.durable.IngestLogSnapshot;
import dev.vigil.server.ingest.LogRecord;
import dev.vigil.wire.InputLine;
import java.util.List;
import java.util.function.Consumer;

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
 * truncated and the replay stops at the end of that record. The engine's state is bounded per key as live.
 *
 * <p><b>Not thread-safe:</b> {@link #run} runs on the calling thread, which must not be an event loop.
 */
public final class Backtest {
    /** The limit that never truncates (for a caller streaming alerts out, like {@code vigil backtest}). */
    public static final long NO_LIMIT = Long.MAX_VALUE;

    /** The live shards' engine configuration, owning every key: a rule's state per key does not depend on slicing. */
    static final EngineConfig CONFIG = VigilServer.shardEngine(KeySlice.ALL);

    /**
     * What a replay did.
     *
     * @param eventsReplayed events of the range the candidates read (events of other streams are skipped)
     * @param alerts alerts handed to the caller
     * @param openPartialMatches partial matches the candidates still hold at the end of the snapshot
     * @param truncated true when an alert beyond the limit was produced: the replay stopped there
     * @param lastPosition the log position of the last record replayed (0 when none)
     */
    public record Summary(long eventsReplayed, long alerts, long openPartialMatches, boolean truncated,
            long lastPosition) {}

    private final List<CompiledRule> rules;
    private final TimeRange range;
    private final long limit;

    /** @param limit alerts handed out at most, from 1 ({@link #NO_LIMIT}: all) */
    public Backtest(List<CompiledRule> rules, TimeRange range, long limit) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("a backtest needs at least one rule");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("alert limit " + limit + " < 1");
        }
        this.rules = List.copyOf(rules);
        this.range = range;
        this.limit = limit;
    }

    /** Replays {@code log} from its first record to its last; {@code alerts} gets each alert as it comes. */
    public Summary run(IngestLogSnapshot log, Consumer<Alert> alerts) {
        Collector collector = new Collector(alerts, limit);
        Engine engine = new Engine(rules, CONFIG, collector);
        IngestLogSnapshot.Records records = log.records();
        long events = 0;
        long lastPosition = 0;
        for (LogRecord record = records.next(); record != null && !collector.truncated; record = records.next()) {
            lastPosition = record.position();
            if (record instanceof LogRecord.Batch batch) {
                events += replay(engine, batch.lines());
            } else if (record instanceof LogRecord.Deploy deploy) {
                replay(engine, deploy.watermarks());   // what every shard got with a deployment
            } else if (!(record instanceof LogRecord.Undeploy) && !(record instanceof LogRecord.Repaired)) {
                throw new AssertionError(record);
            }
        }
        long open = 0;
        for (RuleCounters counters : engine.counters().rules()) {
            open += counters.partialMatches();
        }
        return new Summary(events, collector.handedOut, open, collector.truncated, lastPosition);
    }

    /** Feeds one record's lines; returns how many events of the range the rules read. */
    private long replay(Engine engine, List<? extends InputLine> lines) {
        long events = 0;
        for (int i = 0; i < lines.size(); i++) {
            InputLine line = lines.get(i);
            if (line instanceof InputLine.EventLine eventLine) {
                if (range.contains(eventLine.event().timestamp()) && engine.offer(eventLine.event()) != Offer.UNROUTED) {
                    events++;
                }
            } else if (line instanceof InputLine.WatermarkLine watermark) {
                watermark.applyTo(engine);
            } else {
                throw new AssertionError(line);
            }
        }
        return events;
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
