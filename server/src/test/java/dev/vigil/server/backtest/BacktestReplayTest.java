package dev.vigil.server.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.log.ChronicleIngestLog;
import dev.vigil.server.log.IngestLogSnapshot;
import dev.vigil.wire.InputLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Backtest} over small hand-written ingest logs: what is fed (events of the range, every watermark, those of
 * deployments too), where it ends (the last logged watermark), how a limit truncates; and {@link LoggedRule} finds a
 * rule's latest logged deployment.
 */
class BacktestReplayTest {
    private static final String A_THEN_B = "RULE ab FROM tx PARTITION BY key PATTERN a -> b WITHIN 10 SECONDS "
            + "DEFINE a AS kind = 'a', b AS kind = 'b' EMIT a = a.n, b = b.n";
    private static final String EVERY_A = "RULE every_a FROM tx PARTITION BY key PATTERN a DEFINE a AS kind = 'a' "
            + "EMIT n = a.n";

    @TempDir
    Path folder;

    @Test
    void eventsOfTheRangeAndEveryWatermarkAreReplayedAndTheReplayEndsAtTheLastOne() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            log.append("src", List.of(event(1, "k1", "a", 1_000), event(2, "k2", "a", 1_100), watermark(1_500)));
            log.append("src", List.of(event(3, "k1", "b", 2_000), watermark(2_500)));
            log.append("src", List.of(event(4, "k3", "a", 3_000), watermark(3_500)));
        }
        Replayed all = replay(rule(A_THEN_B, 1), TimeRange.ALL, Backtest.NO_LIMIT);
        assertEquals(List.of("match ab v1 k1 {a=1, b=3}"), all.alerts);
        assertEquals(4, all.summary.eventsReplayed());
        assertEquals(2, all.summary.openPartialMatches(), "k2's and k3's a wait for a b: not flushed at the end");

        Replayed later = replay(rule(A_THEN_B, 1), new TimeRange(1_500, Long.MAX_VALUE), Backtest.NO_LIMIT);
        assertEquals(List.of(), later.alerts, "k1's a is before the range: its b finds no run");
        assertEquals(2, later.summary.eventsReplayed());
        assertEquals(1, later.summary.openPartialMatches());
    }

    @Test
    void theWatermarksADeploymentBroughtMoveTimeToo() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            log.append("src", List.of(event(1, "k1", "a", 1_000)));
            log.appendDeploy("http", "RULE other FROM tx PATTERN x", Map.of("other", 1), 0, List.of(
                    new InputLine.WatermarkLine("tx", 1_000)));
            log.appendUndeploy("other");
        }
        Replayed replayed = replay(rule(EVERY_A, 0), TimeRange.ALL, Backtest.NO_LIMIT);
        assertEquals(List.of("match every_a v0 k1 {n=1}"), replayed.alerts, "released by the deployment's watermark");
    }

    @Test
    void aLimitHandsOutThatManyAlertsAndMarksTheRestTruncated() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            log.append("src", List.of(event(1, "k1", "a", 1_000), event(2, "k2", "a", 1_001), watermark(2_000)));
            log.append("src", List.of(event(3, "k3", "a", 3_000), watermark(4_000)));
        }
        Replayed all = replay(rule(EVERY_A, 0), TimeRange.ALL, 3);
        assertEquals(3, all.alerts.size());
        assertFalse(all.summary.truncated(), "exactly the limit is not truncated");

        Replayed two = replay(rule(EVERY_A, 0), TimeRange.ALL, 2);
        assertEquals(List.of("match every_a v0 k1 {n=1}", "match every_a v0 k2 {n=2}"), two.alerts);
        assertTrue(two.summary.truncated(), "the third alert came, and was left out");
        assertEquals(3, two.summary.eventsReplayed());

        Replayed one = replay(rule(EVERY_A, 0), TimeRange.ALL, 1);
        assertEquals(List.of("match every_a v0 k1 {n=1}"), one.alerts);
        assertTrue(one.summary.truncated());
        assertEquals(2, one.summary.eventsReplayed(), "the replay stopped after the batch that went over");
    }

    @Test
    void aReplayStopsAfterTheEventsItMayRead() throws Exception {
        writeThreeBatches();
        Replayed two = replay(rule(EVERY_A, 0), new Backtest.Bounds(2, Long.MAX_VALUE, () -> false), () -> 0L);
        assertEquals(List.of("match every_a v0 k1 {n=1}", "match every_a v0 k2 {n=2}"), two.alerts,
                "k3's event is the third: never read");
        assertEquals(Backtest.Stop.EVENTS, two.summary.stoppedBy());
        assertTrue(two.summary.truncated());
        assertEquals(2, two.summary.eventsRead());

        Replayed all = replay(rule(EVERY_A, 0), new Backtest.Bounds(3, Long.MAX_VALUE, () -> false), () -> 0L);
        assertEquals(null, all.summary.stoppedBy(), "exactly the bound: the whole log");
        assertEquals(3, all.alerts.size());
    }

    @Test
    void aReplayStopsWhenItsTimeIsUp() throws Exception {
        writeThreeBatches();
        AtomicLong nanos = new AtomicLong();
        // each reading is a second later: the look after the first record finds the second's timeout passed
        Replayed replayed = replay(rule(EVERY_A, 0), new Backtest.Bounds(Long.MAX_VALUE, 1_000, () -> false),
                () -> nanos.getAndAdd(1_000_000_000L));
        assertEquals(Backtest.Stop.TIME, replayed.summary.stoppedBy());
        assertEquals(2, replayed.summary.eventsRead(), "the first record, then no more");
        assertEquals(2, replayed.alerts.size());
    }

    @Test
    void aReplayStopsWhenItsCallerCancels() throws Exception {
        writeThreeBatches();
        AtomicBoolean gone = new AtomicBoolean();
        List<String> alerts = new ArrayList<>();
        try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
            Backtest.Summary summary = new Backtest(List.of(rule(EVERY_A, 0)), TimeRange.ALL, Backtest.NO_LIMIT,
                    new Backtest.Bounds(Long.MAX_VALUE, Long.MAX_VALUE, gone::get), () -> 0L)
                    .run(snapshot, alert -> {
                        alerts.add(String.valueOf(alert.key()));
                        gone.set(true);   // the client went away while the first alert was written to it
                    });
            assertEquals(Backtest.Stop.CANCELLED, summary.stoppedBy());
            assertEquals(2, summary.eventsRead());
        }
        assertEquals(List.of("k1", "k2"), alerts, "the record under way ends, nothing after it is read");
    }

    @Test
    void aReplayTellsWhereItIsWhenItStartsAndEachTimeItsIntervalPassed() throws Exception {
        writeThreeBatches();
        AtomicLong nanos = new AtomicLong();
        List<String> told = new ArrayList<>();
        try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
            // each reading of the clock is a second later, the interval a second: told after every record
            new Backtest(List.of(rule(EVERY_A, 0)), TimeRange.ALL, Backtest.NO_LIMIT, Backtest.Bounds.NONE,
                    () -> nanos.getAndAdd(1_000_000_000L))
                    .run(snapshot, alert -> { }, progress -> told.add(progress.eventsRead() + " read, "
                            + progress.alerts() + " alerts, " + progress.recordsRead() + "/" + progress.records()
                            + " records, " + progress.fraction() + ", t=" + (progress.eventTimeMs() == Long.MIN_VALUE
                            ? "none" : progress.eventTimeMs()) + ", " + progress.elapsedNanos() / 1_000_000_000L + " s"),
                            1_000_000_000L);
        }
        assertEquals(List.of(
                "0 read, 0 alerts, 0/3 records, 0.0, t=none, 0 s",
                "2 read, 2 alerts, 1/3 records, 0.3333333333333333, t=1001, 1 s",
                "3 read, 3 alerts, 2/3 records, 0.6666666666666666, t=3000, 2 s",
                "3 read, 3 alerts, 3/3 records, 1.0, t=3000, 3 s"), told);
    }

    private void writeThreeBatches() {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            log.append("src", List.of(event(1, "k1", "a", 1_000), event(2, "k2", "a", 1_001), watermark(2_000)));
            log.append("src", List.of(event(3, "k3", "a", 3_000), watermark(4_000)));
            log.append("src", List.of(watermark(5_000)));
        }
    }

    @Test
    void aRuleIsFoundAtItsLatestLoggedDeploymentEvenWhenRemovedSince() throws Exception {
        long latest;
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            log.appendDeploy("rules/ab.cep", A_THEN_B + ";\n" + EVERY_A + ";\n", Map.of("ab", 1, "every_a", 1), 0, List.of());
            latest = log.appendDeploy("http", A_THEN_B.replace("10 SECONDS", "1 SECOND"), Map.of("ab", 4), 0,
                    List.of());
            log.appendUndeploy("ab");
            log.appendDeploy("http", "RULE stale FROM tx PATTERN a -> b DEFINE c AS kind = 'c'", Map.of("stale", 2),
                    0, List.of());
        }
        try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
            LoggedRule.Found ab = (LoggedRule.Found) LoggedRule.find(snapshot, "ab", dev.vigil.nfa.CompileLimits.DEFAULTS);
            assertEquals(4, ab.rule().version());
            assertEquals(latest, ab.position());
            LoggedRule.Found everyA = (LoggedRule.Found) LoggedRule.find(snapshot, "every_a", dev.vigil.nfa.CompileLimits.DEFAULTS);
            assertEquals(1, everyA.rule().version(), "one rule of a file's text");
            assertEquals(new LoggedRule.NeverDeployed("nope"), LoggedRule.find(snapshot, "nope", dev.vigil.nfa.CompileLimits.DEFAULTS));
            LoggedRule.NoLongerCompiles stale = (LoggedRule.NoLongerCompiles) LoggedRule.find(snapshot, "stale", dev.vigil.nfa.CompileLimits.DEFAULTS);
            assertTrue(stale.diagnostics().get(0).render().startsWith("request:1:"),
                    stale.diagnostics().get(0).render());
        }
    }

    /** What a replay gave: each alert as "kind rule vVersion key fields", and the summary. */
    private record Replayed(List<String> alerts, Backtest.Summary summary) {}

    private Replayed replay(CompiledRule rule, Backtest.Bounds bounds, LongSupplier nanoClock) throws Exception {
        List<String> alerts = new ArrayList<>();
        try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
            Backtest.Summary summary = new Backtest(List.of(rule), TimeRange.ALL, Backtest.NO_LIMIT, bounds, nanoClock)
                    .run(snapshot, (Alert alert) -> alerts.add(alert.kind().json() + " " + alert.rule() + " v"
                            + alert.version() + " " + alert.key() + " " + alert.fields()));
            return new Replayed(alerts, summary);
        }
    }

    private Replayed replay(CompiledRule rule, TimeRange range, long limit) throws Exception {
        List<String> alerts = new ArrayList<>();
        try (IngestLogSnapshot snapshot = IngestLogSnapshot.open(folder)) {
            Backtest.Summary summary = new Backtest(List.of(rule), range, limit).run(snapshot,
                    (Alert alert) -> alerts.add(alert.kind().json() + " " + alert.rule() + " v" + alert.version() + " "
                            + alert.key() + " " + alert.fields()));
            return new Replayed(alerts, summary);
        }
    }

    private static CompiledRule rule(String text, int version) {
        return RuleCompiler.compile("test", text).rules().get(0).withVersion(version);
    }

    private static InputLine event(long n, String key, String kind, long ts) {
        return new InputLine.EventLine(new Event("tx", ts, n, Map.of("key", key, "kind", kind, "n", n)));
    }

    private static InputLine watermark(long ts) {
        return new InputLine.WatermarkLine("tx", ts);
    }
}
