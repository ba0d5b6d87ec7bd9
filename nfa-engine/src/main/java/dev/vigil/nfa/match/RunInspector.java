package dev.vigil.nfa.match;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventExplanation;
import dev.vigil.nfa.EventTime;
import dev.vigil.nfa.KeyInspection;
import dev.vigil.nfa.expr.MatchView;
import dev.vigil.nfa.expr.Verdict;
import dev.vigil.nfa.program.Nfa;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Looks at one key's {@link PartialMatches} for a person rather than for matching: its runs with their states, times
 * and events ({@link #partialMatches}), its window timers, the runs per NFA state ({@link #countByState}), and what an
 * event would find on every edge out of every run's state ({@link #explain}).
 *
 * <p>Nothing here changes the key: extracting a run's events reads the shared buffer (no lock is taken or released),
 * and an explanation evaluates each edge's guard ({@link dev.vigil.nfa.program.Guard#explain}) on the event and the
 * run's events without creating a run or binding the event. Evaluating conditions may count evaluation errors on the
 * calling thread; the caller that must not count them drains them ({@code RuleRuntime}). Costs time in the runs and
 * events listed, so callers bound both; never on the matching path.
 *
 * <p>Thread-safe itself (it keeps only the NFA); the key it looks at belongs to the thread that owns the key.
 */
public final class RunInspector {
    private static final Comparator<Run> OLDEST_FIRST =
            Comparator.comparingLong((Run run) -> run.startTs()).thenComparingLong(run -> run.serial);

    private final Nfa nfa;

    public RunInspector(Nfa nfa) {
        this.nfa = nfa;
    }

    /** Partial matches and held completed matches of the key (every run but the start run). */
    public int partialMatchCount(PartialMatches state) {
        int count = state.completed.size();
        for (int i = 0; i < state.runs.size(); i++) {
            if (!isStart(state.runs.get(i))) {
                count++;
            }
        }
        return count;
    }

    /**
     * The key's partial matches and held completed matches, oldest first, at most {@code maxRuns}, each with at most
     * {@code maxEvents} of its events (the oldest).
     */
    public List<KeyInspection.PartialMatch> partialMatches(PartialMatches state, int maxRuns, int maxEvents) {
        List<Run> runs = new ArrayList<>();
        List<Run> completed = new ArrayList<>();
        for (int i = 0; i < state.runs.size(); i++) {
            if (!isStart(state.runs.get(i))) {
                runs.add(state.runs.get(i));
            }
        }
        for (int i = 0; i < state.completed.size(); i++) {
            runs.add(state.completed.get(i));
            completed.add(state.completed.get(i));
        }
        runs.sort(OLDEST_FIRST);
        List<KeyInspection.PartialMatch> shown = new ArrayList<>(Math.min(runs.size(), maxRuns));
        for (int i = 0; i < runs.size() && shown.size() < maxRuns; i++) {
            Run run = runs.get(i);
            boolean done = completed.contains(run);
            Nfa.State at = nfa.state(run.state);
            List<SharedBuffer.Node[]> paths = state.extract(run.node, run.version);
            SharedBuffer.Node[] path = paths.isEmpty() ? new SharedBuffer.Node[0] : paths.get(0);
            Map<String, List<Event>> events = new LinkedHashMap<>();
            for (int n = 0; n < path.length && n < maxEvents; n++) {
                events.computeIfAbsent(nfa.variables().get(path[n].variable), variable -> new ArrayList<>())
                        .add(path[n].entry.event);
            }
            Long windowEndsAt = done || nfa.windowMs() <= 0 ? null : EventTime.plus(run.startTs(), nfa.windowMs());
            Long gapEndsAt = done || at.gapWindowMs() <= 0 ? null : EventTime.plus(run.previousTs(), at.gapWindowMs());
            shown.add(new KeyInspection.PartialMatch(run.state, at.name(), done, run.startTs(), run.previousTs(),
                    windowEndsAt, gapEndsAt, events, path.length));
        }
        return shown;
    }

    /** The key's window timers, ascending: when the watermark reaching each makes the key time out or complete. */
    public List<Long> timers(PartialMatches state) {
        List<Long> timers = new ArrayList<>(state.timerCount());
        for (int i = 0; i < state.timerCount(); i++) {
            timers.add(state.timer(i));
        }
        return timers;
    }

    /**
     * Adds the key's runs to {@code counts}, indexed by state id: every partial match at its state, every held
     * completed match at its (final) state; the start run is not counted.
     */
    public void countByState(PartialMatches state, long[] counts) {
        for (int i = 0; i < state.runs.size(); i++) {
            Run run = state.runs.get(i);
            if (!isStart(run)) {
                counts[run.state]++;
            }
        }
        for (int i = 0; i < state.completed.size(); i++) {
            counts[state.completed.get(i).state]++;
        }
    }

    /** The runs an event meets: the start run and every partial match (held completed matches take no event). */
    public int runCount(PartialMatches state) {
        return state.runs.size();
    }

    /**
     * What {@code event} finds out of the state of each run of the key: the start run first, then the partial matches
     * oldest first, at most {@code maxRuns} in all. Each edge's guard is evaluated as the matcher would
     * ({@code Stepper}): on the event and the run's events, through the {@code proceed} edges that hold.
     */
    public List<EventExplanation.Run> explain(PartialMatches state, Event event, int maxRuns) {
        List<Run> runs = new ArrayList<>();
        Run start = null;
        for (int i = 0; i < state.runs.size(); i++) {
            Run run = state.runs.get(i);
            if (isStart(run)) {
                start = run;
            } else {
                runs.add(run);
            }
        }
        runs.sort(OLDEST_FIRST);
        if (start != null) {
            runs.add(0, start);
        }
        List<EventExplanation.Run> explained = new ArrayList<>(Math.min(runs.size(), maxRuns));
        for (int i = 0; i < runs.size() && explained.size() < maxRuns; i++) {
            Run run = runs.get(i);
            MatchView match = nfa.readsMatch() ? Materializer.current(state, nfa.variables(), run, new WorkMeter())
                    : MatchView.EMPTY;
            boolean isStart = isStart(run);
            explained.add(new EventExplanation.Run(run.state, nfa.state(run.state).name(), isStart,
                    isStart ? null : run.startTs(), transitions(run.state, event, match)));
        }
        return explained;
    }

    /** The edges out of {@code state} and out of each state a {@code proceed} edge that holds leads to, depth first. */
    private List<EventExplanation.Transition> transitions(int state, Event event, MatchView match) {
        List<EventExplanation.Transition> transitions = new ArrayList<>();
        boolean[] visited = new boolean[nfa.states().size()];
        List<Integer> stack = new ArrayList<>(List.of(state));
        visited[state] = true;
        while (!stack.isEmpty()) {
            int current = stack.remove(stack.size() - 1);
            for (Nfa.Edge edge : nfa.state(current).edges()) {
                Verdict verdict = edge.guard().explain(event, match);
                List<EventExplanation.Seen> values = new ArrayList<>(verdict.values().size());
                for (Verdict.Seen seen : verdict.values()) {
                    values.add(new EventExplanation.Seen(seen.expression(), seen.value()));
                }
                transitions.add(new EventExplanation.Transition(current,
                        edge.action().name().toLowerCase(Locale.ROOT), edge.target(), edge.guard().toString(),
                        edge.guard().conditionText(), verdict.held(), verdict.expression(), values));
                if (edge.action() == Nfa.Action.PROCEED && verdict.held() && !visited[edge.target()]) {
                    visited[edge.target()] = true;
                    stack.add(edge.target());
                }
            }
        }
        return transitions;
    }

    private boolean isStart(Run run) {
        return nfa.state(run.state).kind() == Nfa.Kind.START;
    }
}
