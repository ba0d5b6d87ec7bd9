package dev.vigil.nfa.differential;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.ParseResult;
import dev.vigil.dsl.RuleParser;
import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.RuleCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a case through Vigil the way a user would: the generated rule is printed as rule text
 * ({@link RulePrinter}), parsed and checked ({@link RuleParser}), compiled ({@link RuleCompiler}) and run by an
 * {@link Engine} in event time with the case's watermark delay, every event offered on stream
 * {@code events}, then {@link Engine#finish()}.
 *
 * <p>The printed text must also be a fixpoint of print ∘ parse; a rule that does not survive the round
 * trip is reported as a rejection, since the outputs would then not be about the generated rule.
 */
final class VigilCep implements CepUnderTest {
    private static final String FILE = "case.cep";

    @Override
    public String name() {
        return "Vigil";
    }

    @Override
    public Result run(DiffCase diffCase) {
        String text = RulePrinter.print(diffCase.rule());
        ParseResult parsed = RuleParser.parse(FILE, text);
        if (!parsed.ok()) {
            return new Rejected(diagnostics(parsed.diagnostics()), text);
        }
        RuleFile file = parsed.file();
        String reprinted = RulePrinter.print(file.rules().get(0));
        if (!reprinted.equals(text)) {
            return new Rejected("the rule text does not survive print(parse(text)); it reprints as\n" + reprinted,
                    text);
        }
        return run(RuleCompiler.compile(file), text, diffCase.watermarkDelayMs(), diffCase.events());
    }

    /** Runs hand-written rule text over events, as {@link #run(DiffCase)} does for generated rules. */
    static Result run(String text, long watermarkDelayMs, List<CaseEvent> events) {
        return run(RuleCompiler.compile(FILE, text), text, watermarkDelayMs, events);
    }

    private static Result run(CompileResult compiled, String text, long watermarkDelayMs, List<CaseEvent> events) {
        if (!compiled.ok()) {
            return new Rejected(diagnostics(compiled.diagnostics()), text);
        }
        Outcome outcome = new Outcome();
        Listener listener = new Listener(outcome);
        Engine engine = new Engine(compiled.rules(),
                EngineConfig.defaults().withDefaultWatermarkDelayMs(watermarkDelayMs), listener);
        long sequence = 0;
        for (CaseEvent event : events) {
            engine.offer(new Event(CaseGenerator.STREAM, event.ts(), sequence++, event.fields()));
        }
        engine.finish();
        return new Ran(outcome, text, listener.dropped, listener.overWorkBound, listener.evicted);
    }

    private static String diagnostics(List<Diagnostic> diagnostics) {
        StringBuilder out = new StringBuilder();
        for (Diagnostic diagnostic : diagnostics) {
            out.append(diagnostic.render()).append('\n');
        }
        return out.toString();
    }

    /** Collects alerts and late events; keys are read from the events, as on the Flink side. */
    private static final class Listener implements EngineListener {
        private final Outcome outcome;
        int dropped;
        int overWorkBound;
        int evicted;

        Listener(Outcome outcome) {
            this.outcome = outcome;
        }

        @Override
        public void onAlert(Alert alert) {
            Map<String, List<Integer>> ids = new LinkedHashMap<>();
            String key = null;
            for (Map.Entry<String, List<Event>> variable : alert.events().entrySet()) {
                List<Integer> list = new ArrayList<>();
                for (Event event : variable.getValue()) {
                    list.add(((Long) event.field("id")).intValue());
                    key = (String) event.field("key");
                }
                ids.put(variable.getKey(), list);
            }
            if (alert.kind() == Alert.Kind.MATCH) {
                outcome.match(key, ids);
            } else {
                outcome.timeout(key, ids, alert.timeoutAt());
            }
        }

        @Override
        public void onLateEvent(LateEvent late) {
            outcome.late((String) late.event().field("key"), ((Long) late.event().field("id")).intValue());
        }

        @Override
        public void onPartialMatchesDropped(String rule, Object key, int count) {
            dropped += count;
        }

        @Override
        public void onWorkBoundExceeded(String rule, Object key, int count) {
            dropped += count;
            overWorkBound++;
        }

        @Override
        public void onKeyEvicted(String rule, Object key, int partialMatches) {
            evicted++;   // never with the default bounds on a few keys
        }
    }
}
