package dev.vigil.nfa.differential;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.MalformedPatternException;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Runs a case through the real Flink CEP 1.20 {@link CepOperator} in event time, inside Flink's keyed
 * operator test harness, exactly as {@code CEP.pattern(keyedStream, pattern).process(f)} with a
 * late-data side output would run it.
 *
 * <p>Watermarks follow bounded out-of-orderness, emitted after every event: max timestamp seen − delay − 1,
 * whenever that rises. The operator then does what it does in a job: buffer each event per key until the
 * watermark passes it, feed buffered events in timestamp order (ties in arrival order), advance the NFA's
 * time to the watermark, and fire window timers. Events at or below the watermark go to the side output.
 * The end of input is a watermark of {@code Long.MAX_VALUE}, as Flink sends at the end of a bounded
 * stream.
 */
final class FlinkCep implements CepUnderTest {
    private static final OutputTag<CaseEvent> LATE = new OutputTag<>("late", TypeInformation.of(CaseEvent.class));
    private static final TypeSerializer<CaseEvent> SERIALIZER =
            TypeInformation.of(CaseEvent.class).createSerializer(new SerializerConfigImpl());
    private static final KeySelector<CaseEvent, String> KEY = CaseEvent::key;

    @Override
    public String name() {
        return "Flink CEP 1.20";
    }

    @Override
    public Result run(DiffCase diffCase) throws Exception {
        StringBuilder calls = new StringBuilder();
        Pattern<CaseEvent, ?> pattern;
        NFACompiler.NFAFactory<CaseEvent> nfa;
        boolean timeouts = diffCase.rule().timeoutEmit() != null;
        try {
            pattern = FlinkPatterns.translate(diffCase, calls);
            nfa = NFACompiler.compileFactory(pattern, timeouts);
        } catch (MalformedPatternException | UnsupportedOperationException | IllegalArgumentException e) {
            return new Rejected(e.getClass().getSimpleName() + ": " + e.getMessage(), calls.toString());
        } catch (RuntimeException e) {
            // Flink's compiler itself failing (not refusing) on a shape: nothing to compare with.
            return new Crashed(e.getClass().getSimpleName() + " while compiling: " + e.getMessage(),
                    calls.toString());
        }

        try {
            return new Ran(run(pattern, nfa, timeouts, diffCase.watermarkDelayMs(), diffCase.events()),
                    calls.toString(), 0, 0, 0);
        } catch (Exception e) {
            // The operator harness wraps failures inside Flink's NFA in checked exceptions: unwrap them all.
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (root instanceof FlinkCondition.BudgetExceeded) {
                return new TooExpensive(root.getMessage(), calls.toString());
            }
            return new Crashed(root.getClass().getSimpleName() + ": " + root.getMessage(), calls.toString());
        }
    }

    /** Runs a hand-written Flink pattern over events, as {@link #run(DiffCase)} does for generated ones. */
    static Outcome run(Pattern<CaseEvent, ?> pattern, boolean timeouts, long watermarkDelayMs, List<CaseEvent> events)
            throws Exception {
        return run(pattern, NFACompiler.compileFactory(pattern, timeouts), timeouts, watermarkDelayMs, events);
    }

    private static Outcome run(Pattern<CaseEvent, ?> pattern, NFACompiler.NFAFactory<CaseEvent> nfa, boolean timeouts,
            long watermarkDelayMs, List<CaseEvent> events) throws Exception {
        FlinkCondition.startCase();
        Outcome outcome = new Outcome();
        PatternProcessFunction<CaseEvent, Void> function =
                timeouts ? new MatchesAndTimeouts(outcome) : new MatchesOnly(outcome);
        CepOperator<CaseEvent, String, Void> operator = new CepOperator<>(SERIALIZER, false, nfa, null,
                pattern.getAfterMatchSkipStrategy(), function, LATE);
        KeyedOneInputStreamOperatorTestHarness<String, CaseEvent, Void> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(operator, KEY, Types.STRING);
        try {
            harness.open();
            long maxSeen = Long.MIN_VALUE;
            long watermark = Long.MIN_VALUE;
            for (CaseEvent event : events) {
                harness.processElement(new StreamRecord<>(event, event.ts()));
                maxSeen = Math.max(maxSeen, event.ts());
                long next = maxSeen - watermarkDelayMs - 1;
                if (next > watermark) {
                    watermark = next;
                    harness.processWatermark(new Watermark(watermark));
                }
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            Collection<StreamRecord<CaseEvent>> lateEvents = harness.getSideOutput(LATE); // null when none
            if (lateEvents != null) {
                for (StreamRecord<CaseEvent> late : lateEvents) {
                    outcome.late(late.getValue().key(), late.getValue().id());
                }
            }
        } finally {
            harness.close();
        }
        return outcome;
    }

    static Map<String, List<Integer>> ids(Map<String, List<CaseEvent>> match) {
        Map<String, List<Integer>> ids = new LinkedHashMap<>();
        for (Map.Entry<String, List<CaseEvent>> variable : match.entrySet()) {
            List<Integer> list = new ArrayList<>();
            for (CaseEvent event : variable.getValue()) {
                list.add(event.id());
            }
            ids.put(variable.getKey(), list);
        }
        return ids;
    }

    static String key(Map<String, List<CaseEvent>> match) {
        for (List<CaseEvent> events : match.values()) {
            if (!events.isEmpty()) {
                return events.get(0).key();
            }
        }
        throw new IllegalStateException("a match without events: " + match);
    }

    /** A rule without {@code ON TIMEOUT}: Flink is not asked for timed-out partial matches. */
    private static class MatchesOnly extends PatternProcessFunction<CaseEvent, Void> {
        private static final long serialVersionUID = 1L;
        final transient Outcome outcome;

        MatchesOnly(Outcome outcome) {
            this.outcome = outcome;
        }

        @Override
        public void processMatch(Map<String, List<CaseEvent>> match, Context ctx, Collector<Void> out) {
            outcome.match(key(match), ids(match));
        }
    }

    /** A rule with {@code ON TIMEOUT}: the handler interface makes Flink compile the NFA with timeouts. */
    private static final class MatchesAndTimeouts extends MatchesOnly
            implements TimedOutPartialMatchHandler<CaseEvent> {
        private static final long serialVersionUID = 1L;

        MatchesAndTimeouts(Outcome outcome) {
            super(outcome);
        }

        @Override
        public void processTimedOutMatch(Map<String, List<CaseEvent>> match, Context ctx) {
            outcome.timeout(key(match), ids(match), ctx.timestamp());
        }
    }
}
