package dev.vigil.nfa.differential;

import dev.vigil.dsl.RulePrinter;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.nfa.state.SnapshotChain;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A generated differential case ready for Vigil's engine alone: its rule compiled, the engine settings it asks for
 * (watermark delay; a tight partial-match bound on every fourth seed; tight bounds on keys holding partial matches,
 * per rule or in all, on two seeds in five, so that keys are evicted) and its events as engine steps. For the
 * tests that compare Vigil with itself (state backends, snapshots) over the differential test's cases.
 *
 * @param description the seed and the rule's text, for assertion messages
 */
record CompiledCase(String description, List<CompiledRule> rules, EngineConfig config,
        List<SnapshotChain.Step> steps) {
    /** The case of {@code seed}, or empty when its rule does not compile (a shape Flink rejects too). */
    static Optional<CompiledCase> of(long seed) {
        DiffCase diffCase = CaseGenerator.generate(seed);
        String text = RulePrinter.print(diffCase.rule());
        CompileResult compiled = RuleCompiler.compile("case.cep", text);
        if (!compiled.ok()) {
            return Optional.empty();
        }
        EngineConfig config = EngineConfig.defaults().withDefaultWatermarkDelayMs(diffCase.watermarkDelayMs())
                .withMaxPartialMatchesPerKey(seed % 4 == 0 ? 4 : EngineConfig.DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY)
                .withKeyBounds(seed % 5 == 1 ? new EngineConfig.KeyBounds(1, 3)
                        : seed % 5 == 2 ? new EngineConfig.KeyBounds(3, 1) : EngineConfig.KeyBounds.unbounded());
        List<SnapshotChain.Step> steps = new ArrayList<>();
        long sequence = 0;
        for (CaseEvent event : diffCase.events()) {
            steps.add(new SnapshotChain.Offer(new Event(CaseGenerator.STREAM, event.ts(), sequence++, event.fields())));
        }
        return Optional.of(new CompiledCase("seed " + seed + ":\n" + text, compiled.rules(), config, steps));
    }
}
