package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.KeyedRule;
import dev.vigil.nfa.Offer;
import dev.vigil.nfa.StreamClocks;
import dev.vigil.nfa.runtime.KeyMatches;
import dev.vigil.nfa.runtime.KeyStateFormat;
import dev.vigil.nfa.state.SnapshotChain;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A host driving {@link KeyedRule} one key at a time, with lateness from {@link StreamClocks} and a watermark of its
 * own that lags the clocks by random amounts (as a Flink job's does), reports what the engine reports: over the
 * differential test's generated rules and streams (every pattern construct, every skip strategy, windows,
 * absences, bounded partial matches per key) the same alerts (ids, fields, events), late events and dropped
 * partial matches, as sets (the host visits keys in its own order); and so does a host in processing time.
 */
class KeyedRuleOnGeneratedRulesTest {
    private static final int CASES = 300;

    @Test
    void keyAtATimeHostReportsWhatTheEngineReportsOnGeneratedRules() {
        onEveryCase((c, seed) -> {
            EngineConfig config = c.config().withKeyBounds(EngineConfig.KeyBounds.unbounded());
            SnapshotChain.Outcome engine = SnapshotChain.straight(c.rules(), config, c.steps());
            return new Reports(engine.transcript(), engine.alerts(), host(c, config, new Random(seed), false));
        });
    }

    /**
     * The same host keeping each key's state decoded ({@link KeyMatches}, changed in place by its visits, as a
     * host on the heap does), now and then through its bytes and back: the engine's reports again.
     */
    @Test
    void keyAtATimeHostOnDecodedStatesReportsWhatTheEngineReports() {
        onEveryCase((c, seed) -> {
            EngineConfig config = c.config().withKeyBounds(EngineConfig.KeyBounds.unbounded());
            SnapshotChain.Outcome engine = SnapshotChain.straight(c.rules(), config, c.steps());
            return new Reports(engine.transcript(), engine.alerts(), host(c, config, new Random(seed), true));
        });
    }

    /**
     * Processing time: the engine given each event at a clock that moves on by random steps (and sometimes between
     * events, firing timers), and a host visiting each key on its events' arrival and when its deadline comes, at
     * the same times, report the same alerts and dropped partial matches.
     */
    @Test
    void keyAtATimeHostInProcessingTimeReportsWhatTheEngineReports() {
        onEveryCase((c, seed) -> {
            EngineConfig config = c.config().withKeyBounds(EngineConfig.KeyBounds.unbounded())
                    .withTimeMode(EngineConfig.TimeMode.PROCESSING);
            long[] clock = clock(c, new Random(seed));
            SnapshotChain.Transcript engine = new SnapshotChain.Transcript();
            Engine direct = new Engine(c.rules(), config, engine);
            for (int i = 0; i < c.steps().size(); i++) {
                direct.advanceProcessingTime(clock[2 * i]);
                direct.advanceProcessingTime(clock[2 * i + 1]);
                direct.offer(((SnapshotChain.Offer) c.steps().get(i)).event());
            }
            direct.finish();
            return new Reports(engine.lines, engine.alerts, processingTimeHost(c, config, clock));
        });
    }

    /** What the engine and the host reported over one case. */
    private record Reports(List<String> engine, int engineAlerts, List<String> host) {}

    /** Compares the engine's and the host's reports over every generated case that compiles. */
    private static void onEveryCase(BiFunction<CompiledCase, Long, Reports> run) {
        int compared = 0;
        int withAlerts = 0;
        for (long seed = 1; seed <= CASES; seed++) {
            Optional<CompiledCase> generated = CompiledCase.of(seed);
            if (generated.isEmpty()) {
                continue;
            }
            Reports reports = run.apply(generated.get(), seed);
            boolean gapTimeoutsOnly = gapWindowsOnly(generated.get().rules().get(0).source());
            assertEquals(sorted(reports.engine(), gapTimeoutsOnly), sorted(reports.host(), gapTimeoutsOnly),
                    generated.get().description());
            compared++;
            if (reports.engineAlerts() > 0) {
                withAlerts++;
            }
        }
        assertTrue(compared > CASES / 2, "most generated rules should compile, " + compared + " did");
        assertTrue(withAlerts > compared / 3, "many cases should alert, " + withAlerts + " did");
    }

    /**
     * The processing times of a case: two per event, a tick between events and the event's arrival; the clock
     * follows the events' own times, with random steps of up to 50 ms, never backwards.
     */
    private static long[] clock(CompiledCase c, Random random) {
        long[] clock = new long[2 * c.steps().size()];
        long now = 0;
        for (int i = 0; i < c.steps().size(); i++) {
            Event event = ((SnapshotChain.Offer) c.steps().get(i)).event();
            now = Math.max(now, event.timestamp()) + random.nextInt(50);
            clock[2 * i] = now;
            now += random.nextInt(3) == 0 ? random.nextInt(50) : 0;
            clock[2 * i + 1] = now;
        }
        return clock;
    }

    /** The case's events through a key-at-a-time host in processing time: on arrival, and at the deadlines. */
    private static List<String> processingTimeHost(CompiledCase c, EngineConfig config, long[] clock) {
        SnapshotChain.Transcript transcript = new SnapshotChain.Transcript();
        KeyedRule rule = new KeyedRule(c.rules().get(0), config, transcript);
        Map<Object, byte[]> states = new HashMap<>();
        Map<Object, Long> deadlines = new HashMap<>();
        for (int i = 0; i < c.steps().size(); i++) {
            Event event = ((SnapshotChain.Offer) c.steps().get(i)).event();
            visitDeadlines(rule, states, deadlines, clock[2 * i]);
            visitDeadlines(rule, states, deadlines, clock[2 * i + 1]);
            Object key = rule.keyOf(event);
            keep(rule, states, deadlines, key, rule.processAt(states.get(key), event, clock[2 * i + 1]));
        }
        visitDeadlines(rule, states, deadlines, Long.MAX_VALUE);
        return transcript.lines;
    }

    /** What a Flink host does when a processing-time timer comes: visit each key whose deadline is due. */
    private static void visitDeadlines(KeyedRule rule, Map<Object, byte[]> states, Map<Object, Long> deadlines,
            long now) {
        for (Object key : new ArrayList<>(deadlines.keySet())) {
            if (deadlines.get(key) <= now) {
                keep(rule, states, deadlines, key, rule.advance(states.get(key), List.of(), now));
            }
        }
    }

    /** Keeps a key's state and deadline after a visit: neither when it holds nothing. */
    private static void keep(KeyedRule rule, Map<Object, byte[]> states, Map<Object, Long> deadlines, Object key,
            byte[] state) {
        if (state == null) {
            states.remove(key);
        } else {
            states.put(key, state);
        }
        if (rule.nextDeadline() == Long.MAX_VALUE) {
            deadlines.remove(key);
        } else {
            deadlines.put(key, rule.nextDeadline());
        }
    }

    /** The case's events through a key-at-a-time host: every key's state, waiting events and deadline in maps. */
    private static List<String> host(CompiledCase c, EngineConfig config, Random random, boolean decoded) {
        SnapshotChain.Transcript transcript = new SnapshotChain.Transcript();
        KeyedRule rule = new KeyedRule(c.rules().get(0), config, transcript);
        StreamClocks clocks = StreamClocks.of(c.rules(), config);
        // the round trips draw from a generator of their own: the watermarks are the bytes host's, draw for draw
        States states = new States(decoded ? KeyedRule.format(c.rules().get(0)) : null,
                new Random(c.description().hashCode()));
        Map<Object, List<Event>> waiting = new LinkedHashMap<>();
        Map<Object, Long> deadlines = new HashMap<>();
        long watermark = Long.MIN_VALUE;
        for (SnapshotChain.Step step : c.steps()) {
            Event event = ((SnapshotChain.Offer) step).event();
            Offer offer = clocks.offer(event);
            if (offer == Offer.LATE) {
                transcript.onLateEvent(clocks.lateEvent(event));
                continue;
            }
            if (event.timestamp() <= watermark) {
                throw new AssertionError("on time by the clocks but not by the host's lower watermark: " + event);
            }
            waiting.computeIfAbsent(rule.keyOf(event), k -> new ArrayList<>()).add(event);
            long ahead = clocks.watermark();
            if (ahead > watermark && random.nextInt(3) == 0) {
                long next = random.nextBoolean() ? ahead
                        : watermark == Long.MIN_VALUE ? ahead - random.nextInt(50)
                        : watermark + (long) (random.nextDouble() * (ahead - watermark));
                if (next > watermark) {
                    watermark = next;
                    visitDue(rule, states, waiting, deadlines, watermark);
                }
            }
        }
        visitDue(rule, states, waiting, deadlines, Long.MAX_VALUE);
        return transcript.lines;
    }

    /** What a Flink host does when the watermark passes: visit each key whose events or deadline are due. */
    private static void visitDue(KeyedRule rule, States states, Map<Object, List<Event>> waiting,
            Map<Object, Long> deadlines, long watermark) {
        List<Object> keys = new ArrayList<>(waiting.keySet());
        for (Object key : deadlines.keySet()) {
            if (!waiting.containsKey(key)) {
                keys.add(key);
            }
        }
        for (Object key : keys) {
            List<Event> held = waiting.getOrDefault(key, List.of());
            List<Event> released = new ArrayList<>();
            List<Event> kept = new ArrayList<>();
            for (Event event : held) {
                (event.timestamp() <= watermark ? released : kept).add(event);
            }
            released.sort(Comparator.comparingLong(Event::timestamp));   // stable: ties stay in arrival order
            if (released.isEmpty() && deadlines.getOrDefault(key, Long.MAX_VALUE) > watermark) {
                continue;
            }
            states.visit(rule, key, released, watermark);
            if (rule.nextDeadline() == Long.MAX_VALUE) {
                deadlines.remove(key);
            } else {
                deadlines.put(key, rule.nextDeadline());
            }
            if (kept.isEmpty()) {
                waiting.remove(key);
            } else {
                waiting.put(key, kept);
            }
        }
    }

    /** The host's key states: bytes, or decoded states that now and then go through their bytes (format). */
    private record States(KeyStateFormat format, Random random, Map<Object, Object> byKey) {
        States(KeyStateFormat format, Random random) {
            this(format, random, new HashMap<>());
        }

        void visit(KeyedRule rule, Object key, List<Event> released, long watermark) {
            Object after;
            if (format == null) {
                after = rule.advance((byte[]) byKey.get(key), released, watermark);
            } else {
                KeyMatches before = (KeyMatches) byKey.get(key);
                if (before != null && random.nextInt(4) == 0) {
                    before = KeyMatches.decode(format, before.encode(format));
                }
                after = rule.advance(before, released, watermark);
            }
            if (after == null) {
                byKey.remove(key);
            } else {
                byKey.put(key, after);
            }
        }
    }

    /**
     * The lines sorted; without TIMEOUT alerts when {@code withoutTimeouts}. A rule whose only windows are gap windows
     * ({@code BETWEEN EVENTS}, {@code OF PREVIOUS}) has no timer (quirk 5 of docs/semantics.md): its timeouts are
     * noticed only when a key is next visited, and at the end of input a key is visited only if events of it still
     * wait. So a host whose watermark lags the engine's, and still holds a key's last events at the end, reports
     * timeouts the engine never sees (as Flink would with that host's watermarks); matches are not affected.
     */
    private static List<String> sorted(List<String> lines, boolean withoutTimeouts) {
        List<String> copy = new ArrayList<>();
        for (String line : lines) {
            if (!withoutTimeouts || !line.contains(" TIMEOUT ")) {
                copy.add(line);
            }
        }
        copy.sort(null);
        return copy;
    }

    private static boolean gapWindowsOnly(dev.vigil.dsl.ast.Rule rule) {
        return rule.within() == null && (rule.gapWithin() != null || rule.pattern().hasStageWindow());
    }
}
