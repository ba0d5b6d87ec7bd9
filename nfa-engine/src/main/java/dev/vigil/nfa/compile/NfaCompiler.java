package dev.vigil.nfa.compile;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.nfa.expr.Condition;
import dev.vigil.nfa.program.Guard;
import dev.vigil.nfa.program.Nfa;
import dev.vigil.nfa.program.PatternVariables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/*
 * NfaCompiler builds exactly the state graph Flink CEP 1.20's NFACompiler builds for the equivalent Pattern
 * API chain, because the matcher's behaviour (which runs exist, their Dewey versions, the order of matches)
 * follows from the graph's shape and edge order, not only from the language it accepts.
 *
 * Algorithm (Flink's): the pattern chain is walked from the last step to the first. A final state is made
 * first; each step is converted into states pointing at the states already built ("sink"): a single step is
 * one state with TAKE to the sink, IGNORE per its contiguity, PROCEED past it when optional (plus a twin
 * "ignore state" without the PROCEED so an optional state branches only once); times(n, m) is a chain of such
 * states; a loop is a state with TAKE to itself and PROCEED to the sink; a group is its own chain compiled in
 * place. Negations become edges: notNext a state with PROCEED to a STOP state, notFollowedBy PROCEED edges to
 * a STOP state on the states before it (and, at the end of a pattern with a window, a PENDING state that
 * completes when the window closes). Greedy loops narrow the sink's edges with "and not the loop condition";
 * UNTIL narrows the loop's TAKE and IGNORE. Helper copies of states are made where Flink makes them
 * (copyWithoutTransitiveNots, greedy+until), so even unreachable states match Flink's.
 *
 * Every method below mirrors the Flink method of the same purpose (named in its comment); conditions are
 * Guards, a Flink Pattern is a Step. Compile time only: allocation and recursion are fine here.
 *
 * Beyond Flink: an alternation (b | c d) is a branching state with a PROCEED edge to each branch, every branch
 * compiled in place like a group into the shared sink (alternationStates); PERMUTE(x, y, z) is the automaton of
 * the subsets of items taken, one branching state per subset (permutationStates). Neither changes the graph of
 * a pattern without them, so the Flink differential test still covers everything else.
 */

/**
 * Compiles a pattern AST (with its conditions, windows and skip strategy) to an {@link Nfa} equivalent to
 * Flink CEP 1.20's NFA for the same pattern. Assumes input the rule checker accepted, but rejects every shape
 * Flink would refuse with an {@link IllegalArgumentException} naming it.
 */
public final class NfaCompiler {
    static final String END_STATE_NAME = "$endState$";

    private final StateGraph graph;
    private final Budget budget;
    private final Map<String, StateGraph.Node> stopStates = new HashMap<>();
    private final Map<Step, List<Step>> notsBefore = new IdentityHashMap<>();
    private final Map<Step, Boolean> firstOfLoop = new IdentityHashMap<>();
    private final Map<String, StateGraph.Node> originalStates = new HashMap<>();
    /**
     * How the first stage of each alternation branch (and of a group heading one) is entered, set each time the
     * alternation is compiled.
     */
    private final Map<Step, Step.Consuming> branchEntry = new IdentityHashMap<>();
    /** The alternation branches (a loop heading one follows its own inner contiguity, not a group's). */
    private final Set<Step> branchSteps = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private long windowMs;
    private Step currentGroup;
    private Step current;
    private Step following;

    private NfaCompiler(Step last, Budget budget) {
        this.current = last;
        this.budget = budget;
        this.graph = new StateGraph(budget);
    }

    /** As {@link #compile(Pattern, Map, Map, long, long, AfterMatchSkip, Budget)} with no bound. */
    public static Nfa compile(Pattern pattern, Map<String, Condition> conditions, Map<String, Condition> untils,
            long withinMs, long gapWithinMs, AfterMatchSkip skip) {
        return compile(pattern, conditions, untils, withinMs, gapWithinMs, skip, Budget.unlimited());
    }

    /**
     * @param conditions the {@code DEFINE} condition per variable; an absent variable is always true
     * @param untils the {@code UNTIL} condition per looping variable
     * @param withinMs the {@code FIRST_AND_LAST} window, -1 for none
     * @param gapWithinMs the {@code PREVIOUS_AND_CURRENT} window put on every stage, -1 for none
     * @param budget the states, transitions and time the NFA may cost; {@link Budget.Exceeded} when it costs more
     */
    public static Nfa compile(Pattern pattern, Map<String, Condition> conditions, Map<String, Condition> untils,
            long withinMs, long gapWithinMs, AfterMatchSkip skip, Budget budget) {
        Objects.requireNonNull(skip, "skip");
        List<String> variables = PatternVariables.of(pattern);
        Step last = StepChain.build(pattern, variables, conditions, untils, Math.max(0, withinMs),
                Math.max(0, gapWithinMs));
        int skipVariable = skipVariable(skip, last, variables);
        NfaCompiler compiler = new NfaCompiler(last, budget);
        compiler.compileGraph(last);
        return new Nfa(compiler.graph.freeze(), compiler.windowMs, skip.kind(), skipVariable, variables);
    }

    /** Flink's checkPatternSkipStrategy: TO FIRST/LAST must name a top-level stage. */
    private static int skipVariable(AfterMatchSkip skip, Step last, List<String> variables) {
        if (skip.variable() == null) {
            return -1;
        }
        for (Step step = last; step != null; step = step.previous) {
            if (step.name.equals(skip.variable())) {
                return variables.indexOf(skip.variable());
            }
        }
        throw new IllegalArgumentException("AFTER MATCH SKIP " + skip.kind() + " " + skip.variable()
                + " does not name a stage outside groups");
    }

    /** Flink's compileFactory. */
    private void compileGraph(Step last) {
        StateGraph.Node sink = graph.create(END_STATE_NAME, Nfa.Kind.FINAL, -1);
        windowMs = last.windowMs;
        sink = middleStates(sink);
        StateGraph.Node start = convert(sink);
        start.kind = Nfa.Kind.START;
        if (windowMs > 0 && graph.maxGapMs() > windowMs) {
            throw new IllegalArgumentException("WITHIN " + graph.maxGapMs() + " ms BETWEEN EVENTS exceeds WITHIN "
                    + windowMs + " ms");
        }
        if (last.consuming == Step.Consuming.NOT_FOLLOW && last.gapMs <= 0 && windowMs == 0) {
            throw new IllegalArgumentException("a negation at the end of a pattern needs WITHIN");
        }
    }

    /** Flink's createMiddleStates: every step but the first, backwards. */
    private StateGraph.Node middleStates(StateGraph.Node sink) {
        StateGraph.Node lastSink = sink;
        while (current.previous != null) {
            budget.tick();
            if (current.consuming == Step.Consuming.NOT_FOLLOW) {
                if ((current.gapMs > 0 || windowMs > 0) && lastSink.isFinal()) {
                    StateGraph.Node pending = stepState(Nfa.Kind.PENDING, true);
                    Guard not = current.condition;
                    pending.addProceed(stopState(not, current), not);
                    pending.addIgnore(pending, new Guard.Not(not));
                    lastSink = pending;
                }
            } else if (current.consuming == Step.Consuming.NOT_NEXT) {
                StateGraph.Node notNext = stepState(Nfa.Kind.NORMAL, true);
                Guard not = current.condition;
                StateGraph.Node stop = stopState(not, current);
                if (lastSink.isFinal()) {
                    notNext.addIgnore(lastSink, new Guard.Not(not));
                } else {
                    notNext.addProceed(lastSink, new Guard.Not(not));
                }
                notNext.addProceed(stop, not);
                lastSink = notNext;
            } else {
                lastSink = convert(lastSink);
            }
            following = current;
            current = current.previous;
            if (current.windowMs > 0 && (windowMs == 0 || current.windowMs < windowMs)) {
                windowMs = current.windowMs;
            }
        }
        return lastSink;
    }

    /** Flink's convertPattern. */
    private StateGraph.Node convert(StateGraph.Node sink) {
        StateGraph.Node lastSink;
        if (current.looping) {
            markFirstOfLoop(false);
            StateGraph.Node looping = loopingState(copyWithoutTransitiveNots(sink));
            markFirstOfLoop(true);
            lastSink = timesStates(looping, sink);
        } else if (current.times) {
            lastSink = timesStates(sink, sink);
        } else {
            lastSink = singletonState(sink, sink, current.condition, ignoreGuard(current), current.optional);
        }
        addStopStates(lastSink);
        return lastSink;
    }

    /** Flink's createState(StateType, isTake): a state of the current step, with its gap window. */
    private StateGraph.Node stepState(Nfa.Kind kind, boolean isTake) {
        StateGraph.Node node = graph.create(current.name, kind, current.variable);
        if (isTake && !current.hasTimes() && current.gapMs > 0) {
            node.gapMs = current.gapMs;
        }
        return node;
    }

    /** Flink's createStopState: one STOP state per negated step. */
    private StateGraph.Node stopState(Guard not, Step negated) {
        StateGraph.Node stop = stopStates.get(negated.name);
        if (stop == null) {
            stop = graph.create(negated.name, Nfa.Kind.STOP, negated.variable);
            stop.addTake(stop, not);
            stopStates.put(negated.name, stop);
        }
        return stop;
    }

    /**
     * Flink's getCurrentNotCondition: notFollowedBy steps reachable backwards through optional steps. Remembered
     * per step (it depends on nothing else): Flink walks back for every state it makes, which is quadratic in a
     * long run of optional steps.
     */
    private List<Step> currentNots() {
        List<Step> known = notsBefore.get(current);
        if (known != null) {
            return known;
        }
        List<Step> nots = new ArrayList<>();
        Step step = current;
        while (step.previous != null
                && (step.previous.optional || step.previous.consuming == Step.Consuming.NOT_FOLLOW)) {
            budget.tick();
            step = step.previous;
            if (step.consuming == Step.Consuming.NOT_FOLLOW) {
                nots.add(step);
            }
        }
        notsBefore.put(current, nots);
        return nots;
    }

    /**
     * Flink's copyWithoutTransitiveNots: taking an optional step's event lifts earlier notFollowedBy. Flink compares
     * each stop state's name with every lifted step's; a set of the names gives the same copy without the product
     * of the two counts.
     */
    private StateGraph.Node copyWithoutTransitiveNots(StateGraph.Node sink) {
        List<Step> nots = currentNots();
        if (nots.isEmpty() || !current.optional) {
            return sink;
        }
        Set<String> lifted = new HashSet<>();
        for (Step not : nots) {
            lifted.add(not.name);
        }
        return copyWithout(sink, lifted);
    }

    private StateGraph.Node copyWithout(StateGraph.Node sink, Set<String> lifted) {
        StateGraph.Node copy = graph.create(sink.name, sink.kind, sink.variable);
        for (StateGraph.Arc arc : new ArrayList<>(sink.arcs)) {
            budget.tick();
            if (arc.action == Nfa.Action.PROCEED) {
                StateGraph.Node target = arc.target;
                boolean remove = false;
                if (target.isStop()) {
                    remove = lifted.contains(target.name);
                } else {
                    target = copyWithout(arc.target, lifted);
                }
                if (!remove) {
                    copy.add(arc.action, target, arc.guard);
                }
            } else {
                copy.add(arc.action, arc.target == arc.source ? copy : arc.target, arc.guard);
            }
        }
        return copy;
    }

    /** Flink's copy: a same-named duplicate (greedy loops with UNTIL). */
    private StateGraph.Node copy(StateGraph.Node state) {
        StateGraph.Node copy = graph.create(StateGraph.originalName(state.name), state.kind, state.variable);
        for (StateGraph.Arc arc : state.arcs) {
            copy.add(arc.action, arc.target == arc.source ? copy : arc.target, arc.guard);
        }
        return copy;
    }

    /** Flink's addStopStates. */
    private void addStopStates(StateGraph.Node state) {
        for (Step not : currentNots()) {
            state.addProceed(stopState(not.condition, not), not.condition);
        }
    }

    /** Flink's addStopStateToLooping. */
    private void addStopStateToLooping(StateGraph.Node state) {
        if (following != null && following.consuming == Step.Consuming.NOT_FOLLOW) {
            state.addProceed(stopState(following.condition, following), following.condition);
        }
    }

    /** Flink's createTimesState: {@code from} mandatory and {@code to - from} optional copies. */
    private StateGraph.Node timesStates(StateGraph.Node sink, StateGraph.Node proceed) {
        StateGraph.Node lastSink = sink;
        markFirstOfLoop(false);
        Guard until = current.until;
        Guard innerIgnore = withUntil(innerIgnoreGuard(current), until, false);
        Guard take = withUntil(current.condition, until, true);
        if (current.greedy && current.from != current.to) {
            if (until != null) {
                originalStates.put(sink.name, copy(sink));
            }
            narrowGreedy(sink, take);
        }
        for (int i = current.from; i < current.to; i++) {
            lastSink = singletonState(lastSink, proceed, take, innerIgnore, true);
            addStopStateToLooping(lastSink);
        }
        for (int i = 0; i < current.from - 1; i++) {
            lastSink = singletonState(lastSink, null, take, innerIgnore, false);
            addStopStateToLooping(lastSink);
        }
        markFirstOfLoop(true);
        return singletonState(lastSink, proceed, take, ignoreGuard(current), current.optional);
    }

    private void markFirstOfLoop(boolean first) {
        if (current.isGroup()) {
            firstOfLoop.put(current, first);
        }
    }

    private boolean currentGroupFirstOfLoop() {
        Boolean first = firstOfLoop.get(currentGroup);
        return first == null || first;
    }

    private boolean headOfGroup(Step step) {
        return currentGroup != null && step.previous == null;
    }

    /** Flink's createSingletonState. */
    private StateGraph.Node singletonState(StateGraph.Node sink, StateGraph.Node proceed, Guard take, Guard ignore,
            boolean optional) {
        if (current.isGroup()) {
            return groupStates(sink, proceed, optional);
        }
        if (current.isAlternation()) {
            return alternationStates(sink);
        }
        StateGraph.Node single = stepState(Nfa.Kind.NORMAL, true);
        StateGraph.Node target = copyWithoutTransitiveNots(sink);
        single.addTake(target, take);
        if (optional) {
            Guard until = current.until;
            if (current.greedy && until != null) {
                StateGraph.Node original = originalStates.get(proceed.name);
                if (original == null) {
                    throw new IllegalArgumentException("greedy optional " + current.name + " with UNTIL after a"
                            + " negation is not supported by Flink CEP");
                }
                single.addProceed(original, new Guard.And(Guard.TRUE, until));
                single.addProceed(proceed, new Guard.And(Guard.TRUE, new Guard.Not(until)));
            } else {
                single.addProceed(proceed, Guard.TRUE);
            }
        }
        if (ignore != null) {
            StateGraph.Node ignoreState = single;
            if (optional || headOfOptionalGroup(current)) {
                ignoreState = stepState(Nfa.Kind.NORMAL, false);
                ignoreState.addTake(target, take);
                ignoreState.addIgnore(ignoreState, ignore);
                addStopStates(ignoreState);
            }
            single.addIgnore(ignoreState, ignore);
        }
        return single;
    }

    private boolean headOfOptionalGroup(Step step) {
        return headOfGroup(step) && currentGroupFirstOfLoop() && currentGroup.optional;
    }

    /** Flink's createGroupPatternState: the group's own chain, compiled in place. */
    private StateGraph.Node groupStates(StateGraph.Node sink, StateGraph.Node proceed, boolean optional) {
        Step savedCurrent = current;
        Step savedFollowing = following;
        Step savedGroup = currentGroup;
        inheritEntry();
        currentGroup = current;
        current = current.body;
        StateGraph.Node lastSink = convert(middleStates(sink));
        if (optional) {
            lastSink.addProceed(proceed, Guard.TRUE);
        }
        current = savedCurrent;
        following = savedFollowing;
        currentGroup = savedGroup;
        return lastSink;
    }

    /**
     * Beyond Flink: an alternation is a state with one PROCEED edge to the first state of each branch; every
     * branch is compiled in place like a group, into the same sink. The branches' first states ignore events as
     * the alternation's own first state would (its operator, or the enclosing loop's when it heads one), so a
     * run waiting at the alternation is a run waiting at each branch. PROCEED edges are added right to left:
     * the stepper explores the last one first, so the left branch's edges come first, as its preference says.
     */
    private StateGraph.Node alternationStates(StateGraph.Node sink) {
        Step.Consuming entry = current.consuming;
        if (headOfGroup(current)) {
            entry = currentGroupFirstOfLoop() ? entryOf(currentGroup) : currentGroup.inner;
        }
        if (current.between != null) {
            return permutationStates(0, sink, entry, new HashMap<>());
        }
        List<StateGraph.Node> heads = new ArrayList<>();
        for (Step branch : current.branches) {
            heads.add(branchStates(branch, entry, sink, true));
        }
        return branching(heads);
    }

    /**
     * Beyond Flink: {@code PERMUTE(x1, ..., xn)} means the alternation of its n! orders, but is compiled as the
     * automaton of the subsets of items already taken: the state for subset S branches to each item not in S,
     * and that item leads to the state for S plus the item, the full set being the sink. Every order is one path,
     * so the matches are those of the n!-branch alternation, in the same preference (items left to right at each
     * step), while each item is compiled 2^(n-1) times instead of (n-1)! * n. Items after the first are entered by
     * the permutation's own operator.
     *
     * @param taken the items already taken, one bit each
     * @param known the states made so far, by subset
     */
    private StateGraph.Node permutationStates(int taken, StateGraph.Node sink, Step.Consuming entry,
            Map<Integer, StateGraph.Node> known) {
        int all = (1 << current.branches.size()) - 1;
        if (taken == all) {
            return sink;
        }
        StateGraph.Node state = known.get(taken);
        if (state != null) {
            return state;
        }
        List<StateGraph.Node> heads = new ArrayList<>();
        for (int i = 0; i < current.branches.size(); i++) {
            if ((taken & 1 << i) == 0) {
                StateGraph.Node next = permutationStates(taken | 1 << i, sink, entry, known);
                heads.add(branchStates(current.branches.get(i), taken == 0 ? entry : current.between, next,
                        (taken | 1 << i) == all));
            }
        }
        state = branching(heads);
        known.put(taken, state);
        return state;
    }

    /**
     * One branch (or permutation item) compiled in place into {@code sink}, entered by {@code entry}; returns its
     * first state. Only a branch that ends the element is followed by the step after it (negations there apply).
     */
    private StateGraph.Node branchStates(Step branch, Step.Consuming entry, StateGraph.Node sink, boolean last) {
        Step savedCurrent = current;
        Step savedFollowing = following;
        Step savedGroup = currentGroup;
        branchEntry.put(branch, entry);
        branchSteps.add(branch);
        currentGroup = branch;
        current = branch.body;
        if (!last) {
            following = null;
        }
        // A greedy loop narrows its sink's edges (Flink's updateWithGreedyCondition): on a copy, so that the
        // other branches, which share the sink, are not narrowed by a loop that is not theirs.
        StateGraph.Node head = convert(middleStates(endsGreedy(branch.body) ? copy(sink) : sink));
        current = savedCurrent;
        following = savedFollowing;
        currentGroup = savedGroup;
        return head;
    }

    /** The current alternation's branching state: PROCEED to each head, the rightmost added first. */
    private StateGraph.Node branching(List<StateGraph.Node> heads) {
        StateGraph.Node branching = stepState(Nfa.Kind.NORMAL, false);
        for (int i = heads.size() - 1; i >= 0; i--) {
            branching.addProceed(heads.get(i), Guard.TRUE);
        }
        return branching;
    }

    /**
     * How the first event of {@code group} is reached: its own contiguity, or, for an alternation branch and a
     * group heading one, how the alternation is entered.
     */
    private Step.Consuming entryOf(Step group) {
        Step.Consuming entry = branchEntry.get(group);
        return entry != null ? entry : group.consuming;
    }

    /**
     * Before {@code current}, a group, is compiled: a group heading an alternation branch (at any depth) is
     * entered as the branch is.
     */
    private void inheritEntry() {
        if (headOfGroup(current) && branchEntry.containsKey(currentGroup)) {
            branchEntry.put(current, currentGroupFirstOfLoop() ? branchEntry.get(currentGroup) : currentGroup.inner);
        }
    }

    /** Whether the chain ending in {@code last} ends with a GREEDY loop, whose sink {@link #narrowGreedy} changes. */
    private static boolean endsGreedy(Step last) {
        if (last.greedy || last.isGroup() && endsGreedy(last.body)) {
            return true;
        }
        if (last.isAlternation()) {
            for (Step branch : last.branches) {
                if (endsGreedy(branch.body)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Flink's createLoopingGroupPatternState: a dummy state closes the loop over the group's chain. */
    private StateGraph.Node loopingGroupStates(StateGraph.Node sink) {
        Step savedCurrent = current;
        Step savedFollowing = following;
        Step savedGroup = currentGroup;
        StateGraph.Node dummy = stepState(Nfa.Kind.NORMAL, true);
        inheritEntry();
        currentGroup = current;
        current = current.body;
        StateGraph.Node lastSink = convert(middleStates(dummy));
        lastSink.addProceed(sink, Guard.TRUE);
        dummy.addProceed(lastSink, Guard.TRUE);
        current = savedCurrent;
        following = savedFollowing;
        currentGroup = savedGroup;
        return lastSink;
    }

    /** Flink's createLooping. */
    private StateGraph.Node loopingState(StateGraph.Node sink) {
        if (current.isGroup()) {
            return loopingGroupStates(sink);
        }
        Guard until = current.until;
        Guard ignore = withUntil(innerIgnoreGuard(current), until, false);
        Guard take = withUntil(current.condition, until, true);
        StateGraph.Node looping = stepState(Nfa.Kind.NORMAL, true);
        if (current.greedy) {
            if (until != null) {
                StateGraph.Node sinkCopy = copy(sink);
                looping.addProceed(sinkCopy, new Guard.And(Guard.TRUE, until));
                originalStates.put(sink.name, sinkCopy);
            }
            looping.addProceed(sink, until != null ? new Guard.And(Guard.TRUE, new Guard.Not(until)) : Guard.TRUE);
            narrowGreedy(sink, current.condition);
        } else {
            looping.addProceed(sink, Guard.TRUE);
        }
        looping.addTake(looping, take);
        addStopStateToLooping(looping);
        if (ignore != null) {
            StateGraph.Node ignoreState = stepState(Nfa.Kind.NORMAL, false);
            ignoreState.addTake(looping, take);
            ignoreState.addIgnore(ignoreState, ignore);
            looping.addIgnore(ignoreState, ignore);
            addStopStateToLooping(ignoreState);
        }
        return looping;
    }

    /** Flink's extendWithUntilCondition. */
    private static Guard withUntil(Guard guard, Guard until, boolean isTake) {
        if (until != null && guard != null) {
            return new Guard.And(new Guard.Not(until), guard);
        } else if (until != null && isTake) {
            return new Guard.Not(until);
        }
        return guard;
    }

    /** Flink's getInnerIgnoreCondition: between a loop's own events (a loop heading a branch: its own). */
    private Guard innerIgnoreGuard(Step step) {
        Step.Consuming consuming = headOfGroup(step) && !branchSteps.contains(currentGroup) ? currentGroup.inner
                : step.inner;
        return ignoreFor(consuming, step);
    }

    /** Flink's getIgnoreCondition: before a step's first event. */
    private Guard ignoreGuard(Step step) {
        Step.Consuming consuming = step.consuming;
        if (headOfGroup(step)) {
            consuming = currentGroupFirstOfLoop() ? entryOf(currentGroup) : currentGroup.inner;
        }
        return ignoreFor(consuming, step);
    }

    private static Guard ignoreFor(Step.Consuming consuming, Step step) {
        if (consuming == Step.Consuming.SKIP_TILL_NEXT) {
            return new Guard.Not(step.condition);
        } else if (consuming == Step.Consuming.SKIP_TILL_ANY) {
            return Guard.TRUE;
        }
        return null;
    }

    /** Flink's updateWithGreedyCondition: the sink's edges hold only when the loop cannot take the event. */
    private static void narrowGreedy(StateGraph.Node state, Guard take) {
        for (StateGraph.Arc arc : state.arcs) {
            arc.guard = new Guard.And(arc.guard, new Guard.Not(take));
        }
    }
}
