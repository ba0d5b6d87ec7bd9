package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventExplanation;
import dev.vigil.nfa.KeyInspection;
import dev.vigil.nfa.expr.EvaluationErrors;
import dev.vigil.nfa.match.PartialMatches;
import dev.vigil.nfa.match.RunInspector;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers questions about one {@link RuleRuntime}'s keys without changing them: what a key holds ({@link #inspect}),
 * what an event would find there ({@link #explain}), how many partial matches wait in each NFA state
 * ({@link RuleCensus}). Between two engine calls, on the thread that drives the engine.
 *
 * <p>How it stays read-only. A key's state is taken from the store with {@code get} and handed back with
 * {@code release} ("read, not changed"), which the store's protocol allows at any time between two calls: the heap
 * store only recounts it, the serialized store reads it and forgets the copy. Nothing is bound, queued or timed;
 * the events waiting for the watermark are read where they wait. Conditions evaluated for an explanation may meet
 * data of the wrong kind: those evaluation errors are drained and dropped, as the rule's counter counts the errors
 * of matching only (and the runtime drains what matching counted before each call returns, so nothing of matching's
 * is dropped).
 *
 * <p><b>Not thread-safe:</b> used by the thread that owns the runtime.
 */
final class RuleInspector {
    private RuleInspector() {}

    /** What the key ({@code key}, as the engine holds it) holds; bounded as {@link KeyInspection} says. */
    static KeyInspection inspect(RuleRuntime runtime, RunInspector runs, Object key, int maxRuns, int maxEvents,
            int maxWaiting) {
        KeyState state = runtime.keys.get(key);
        List<KeyInspection.PartialMatch> partialMatches = List.of();
        int partialMatchCount = 0;
        List<Long> timers = List.of();
        if (state != null) {
            try {
                if (state.partialMatches != null) {
                    partialMatches = runs.partialMatches(state.partialMatches, maxRuns, maxEvents);
                    partialMatchCount = runs.partialMatchCount(state.partialMatches);
                    timers = runs.timers(state.partialMatches);
                }
            } finally {
                runtime.keys.release(state);
            }
        }
        List<RuleRuntime.Waiting> waiting = new ArrayList<>();
        runtime.waiting.forEach(next -> {
            if (key.equals(next.key(runtime.keys))) {
                waiting.add(next);
            }
        });
        SkippedEvents skipped = runtime.skipped();
        for (int i = 0; i < skipped.size(); i++) {
            if (skipped.event(i).timestamp() > runtime.watermark && key.equals(skipped.key(i))) {
                waiting.add(new RuleRuntime.Waiting(skipped.event(i), null, skipped.arrival(i)));
            }
        }
        waiting.sort(null);
        List<Event> shown = new ArrayList<>(Math.min(waiting.size(), maxWaiting));
        for (int i = 0; i < waiting.size() && i < maxWaiting; i++) {
            shown.add(waiting.get(i).event());
        }
        return new KeyInspection(runtime.rule().name(), runtime.rule().version(), PartitionKey.external(key),
                runtime.watermark, partialMatches, partialMatchCount, shown, waiting.size(), timers);
    }

    /**
     * What {@code event} finds among the runs of its key (a key holding nothing has only the start run); evaluation
     * errors of the explanation are not counted.
     *
     * @param late whether the event is at or below its stream's watermark (the engine's clocks know)
     */
    static EventExplanation explain(RuleRuntime runtime, RunInspector runs, Event event, boolean late,
            int maxRuns) {
        Object key = runtime.keyOf(event);
        long pending = EvaluationErrors.drain();   // none in practice: set aside, given back below
        KeyState state = runtime.keys.get(key);
        try {
            PartialMatches matches = state != null && state.partialMatches != null ? state.partialMatches
                    : runtime.freshState();
            return new EventExplanation(runtime.rule().name(), runtime.rule().version(), PartitionKey.external(key),
                    runtime.watermark, late, runs.explain(matches, event, maxRuns), runs.runCount(matches));
        } finally {
            EvaluationErrors.drain();   // the explanation's own: not the rule's
            EvaluationErrors.restore(pending);
            if (state != null) {
                runtime.keys.release(state);
            }
        }
    }
}
