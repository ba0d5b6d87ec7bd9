package dev.vigil.nfa.differential;

import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.Expr.BinaryOp;
import dev.vigil.dsl.ast.FieldPath;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Pattern.Contiguity;
import dev.vigil.dsl.ast.Pattern.Quantifier;
import dev.vigil.dsl.ast.Pattern.Stage;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.VarDef;
import dev.vigil.dsl.ast.Window;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates one random differential case from a seed: a rule over every pattern construct Flink CEP has,
 * and a small keyed event stream with ties, out-of-order events within the watermark delay and a few
 * late events.
 *
 * <p>Sizes are kept small on purpose: a handful of stages, five event types, values 0..9 and windows of
 * a few milliseconds make matches, prunes and timeouts frequent, and keep skip-till-any-match rules from
 * producing exponentially many matches. Shapes Flink rejects are generated too, but rarely, so that the
 * run can report them; {@link FlinkCep} skips them.
 *
 * <p><b>Not thread-safe:</b> one generator per case.
 */
final class CaseGenerator {
    static final String STREAM = "events";
    private static final String[] TYPES = {"A", "B", "C", "D", "E"};
    private static final BinaryOp[] COMPARISONS = {BinaryOp.GT, BinaryOp.GE, BinaryOp.LT, BinaryOp.LE,
        BinaryOp.EQ, BinaryOp.NE};

    private final Random random;
    /**
     * Draws for the forms added by issue 23 (optional counts, per-stage gap windows): a stream of its own, so that
     * every case the generator made before them is made again, only now and then with one of them added.
     */
    private final Random extra;
    private final Map<String, CaseCondition> conditions = new LinkedHashMap<>();
    private final Map<String, CaseCondition> untils = new LinkedHashMap<>();
    private final List<VarDef> defines = new ArrayList<>();
    /** Variables that may be read by later conditions: not negated, in pattern order. */
    private final List<String> visible = new ArrayList<>();
    /** Top-level, not negated variables: the ones Flink accepts in SKIP TO FIRST/LAST. */
    private final List<String> topLevel = new ArrayList<>();
    private final List<String> all = new ArrayList<>();
    private boolean nonDeterministic;
    private int variables;
    /** Whether the pattern's leftmost variable (its first event, which no gap window can bound) is made. */
    private boolean firstVariableMade;

    private CaseGenerator(long seed) {
        // java.util.Random's first outputs for neighbouring seeds are correlated: scramble the seed first
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        this.random = new Random(z ^ (z >>> 31));
        this.extra = new Random(~(z ^ (z >>> 31)));
    }

    static DiffCase generate(long seed) {
        return new CaseGenerator(seed).build(seed);
    }

    private DiffCase build(long seed) {
        Pattern pattern = pattern(0, 1 + random.nextInt(4));
        Stage last = pattern.stages().get(pattern.stages().size() - 1);
        boolean trailingAbsence = last.negated() && last.contiguity() == Contiguity.RELAXED;

        Window within = null;
        Window gapWithin = null;
        if (chance(trailingAbsence ? 0.85 : 0.45)) {
            within = new Window(2 + random.nextInt(30), Span.NONE);
        }
        if (chance(trailingAbsence && within == null ? 0.6 : 0.2)) {
            long max = within == null || chance(0.05) ? 20 : within.millis();
            gapWithin = new Window(1 + random.nextInt((int) max), Span.NONE);
        }
        boolean windowed = within != null || gapWithin != null || pattern.hasStageWindow();
        List<dev.vigil.dsl.ast.EmitField> timeoutEmit = chance(windowed ? 0.6 : 0.1) ? List.of() : null;

        Rule rule = new Rule("r", null, List.of(STREAM), List.of(new FieldPath(List.of("key"), Span.NONE)), pattern,
                within, gapWithin, defines, List.of(), timeoutEmit, skip(), List.of(), Span.NONE);
        long delay = random.nextInt(5);
        return new DiffCase(seed, rule, conditions, untils, delay, events(delay, within != null));
    }

    // ---------------------------------------------------------------- pattern

    private Pattern pattern(int depth, int stageCount) {
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < stageCount; i++) {
            stages.add(stage(depth, i == 0 ? null : stages.get(i - 1)));
        }
        return new Pattern(stages, Span.NONE);
    }

    private Stage stage(int depth, Stage previous) {
        boolean first = previous == null;
        Contiguity contiguity = first ? Contiguity.STRICT : contiguity();
        // Flink has no negated first stage, no notFollowedByAny, and no negated group; it rejects a
        // negation after an optional stage, so keep that rare.
        boolean afterOptional = previous != null && previous.quantifier() != null && previous.quantifier().optional();
        boolean negated = !first && contiguity != Contiguity.NON_DETERMINISTIC && chance(afterOptional ? 0.02 : 0.15);
        if (negated) {
            String name = variable(depth, null, true);
            // Flink ignores a gap window on a notFollowedBy that is not last, which Vigil refuses: keep it rare
            Window gap = stageGap(contiguity == Contiguity.RELAXED);
            return new Stage(contiguity, true, new Pattern.Variable(name, Span.NONE), null, gap, Span.NONE);
        }
        if (depth < 2 && chance(depth == 0 ? 0.18 : 0.08)) {
            Pattern body = pattern(depth + 1, 1 + random.nextInt(3));
            if (canBeEmpty(body)) {
                // A group that can match no event makes Flink loop without end (a looping group) or
                // behave as an undocumented special case: make its last stage mandatory.
                body = withMandatoryLast(body);
            }
            Quantifier quantifier = quantifier(true, contiguity, previous);
            return new Stage(contiguity, false, new Pattern.Group(body, Span.NONE), quantifier, Span.NONE);
        }
        Quantifier quantifier = quantifier(false, contiguity, previous);
        String name = variable(depth, quantifier, false);
        // Vigil refuses a gap window on the pattern's first event and on a loop (Flink ignores both): keep rare
        boolean refused = !firstVariableMade || quantifier != null && quantifier.looping();
        firstVariableMade = true;
        return new Stage(contiguity, false, new Pattern.Variable(name, Span.NONE), quantifier, stageGap(refused),
                Span.NONE);
    }

    /** {@code WITHIN d OF PREVIOUS} on one stage, or null. */
    private Window stageGap(boolean refused) {
        return extra.nextDouble() < (refused ? 0.01 : 0.12) ? new Window(1 + extra.nextInt(8), Span.NONE) : null;
    }

    private static boolean canBeEmpty(Pattern pattern) {
        for (Stage stage : pattern.stages()) {
            if (!stage.negated() && (stage.quantifier() == null || stage.quantifier().min() > 0)
                    && (!(stage.element() instanceof Pattern.Group group) || !canBeEmpty(group.body()))) {
                return false;
            }
        }
        return true;
    }

    private Pattern withMandatoryLast(Pattern body) {
        List<Stage> stages = new ArrayList<>(body.stages());
        Stage last = stages.get(stages.size() - 1);
        Contiguity contiguity = stages.size() == 1 ? Contiguity.STRICT
                : last.contiguity() == Contiguity.NON_DETERMINISTIC ? Contiguity.NON_DETERMINISTIC : Contiguity.RELAXED;
        String name = variable(1, null, false);
        stages.add(new Stage(contiguity, false, new Pattern.Variable(name, Span.NONE), null, Span.NONE));
        return new Pattern(stages, Span.NONE);
    }

    private Contiguity contiguity() {
        double p = random.nextDouble();
        if (p < 0.35) {
            return Contiguity.STRICT;
        }
        if (p < 0.8) {
            return Contiguity.RELAXED;
        }
        nonDeterministic = true;
        return Contiguity.NON_DETERMINISTIC;
    }

    private Quantifier quantifier(boolean group, Contiguity contiguity, Stage previous) {
        if (chance(group ? 0.3 : 0.5)) {
            return null;
        }
        int min;
        int max;
        int kind = random.nextInt(7);
        if (kind == 0) { // ?
            min = 0;
            max = 1;
        } else if (kind == 1) { // +
            min = 1;
            max = Quantifier.UNBOUNDED;
        } else if (kind == 2) { // *
            min = 0;
            max = Quantifier.UNBOUNDED;
        } else if (kind == 3) { // {n}
            min = 1 + random.nextInt(3);
            max = min;
        } else if (kind == 4) { // {n,m}
            min = 1 + random.nextInt(2);
            max = min + 1 + random.nextInt(2);
        } else if (kind == 5) { // {0,m}
            min = 0;
            max = 2 + random.nextInt(2);
        } else { // {n,}
            min = 2 + random.nextInt(2);
            max = Quantifier.UNBOUNDED;
        }
        boolean looping = max == Quantifier.UNBOUNDED || max > 1;
        Contiguity inner = null;
        if (chance(looping ? 0.3 : 0.01)) {
            // on a stage that does not loop, only the two with a Flink call (both rejected) make sense
            inner = looping ? Contiguity.values()[random.nextInt(3)]
                    : chance(0.5) ? Contiguity.STRICT : Contiguity.NON_DETERMINISTIC;
            nonDeterministic |= inner == Contiguity.NON_DETERMINISTIC;
        }
        // Flink rejects greedy on groups, on single events, on skip-till-any loops, and an optional stage
        // after a greedy one; keep those rare, so they are still reported.
        Contiguity effectiveInner = inner != null ? inner : contiguity;
        boolean previousGreedy = previous != null && previous.quantifier() != null && previous.quantifier().greedy();
        boolean accepted = looping && !group && effectiveInner != Contiguity.NON_DETERMINISTIC;
        boolean greedy = chance(accepted ? 0.25 : 0.01);
        if (previousGreedy && min == 0 && chance(0.9)) {
            min = 1;
        }
        // {n} / {n,m} / {n,} OPTIONAL (issue 23): a count of 2 or more made optional, rarely after a greedy stage
        if (min >= 2 && extra.nextDouble() < (previousGreedy ? 0.03 : 0.4)) {
            return new Quantifier(0, max, min, greedy, inner, Span.NONE);
        }
        return new Quantifier(min, max, greedy, inner, Span.NONE);
    }

    private String variable(int depth, Quantifier quantifier, boolean negated) {
        String name = String.valueOf((char) ('a' + variables++));
        all.add(name);
        boolean looping = quantifier != null && quantifier.looping();
        if (chance(0.05)) {
            // an undefined variable: always true
        } else {
            CaseCondition condition = condition(name, looping);
            CaseCondition until = null;
            // Flink accepts UNTIL only on unbounded loops (+, *, {n,}), not on {n,m}
            boolean unbounded = quantifier != null && quantifier.max() == Quantifier.UNBOUNDED;
            if (chance(unbounded ? 0.25 : 0.005)) {
                until = chance(0.7) ? new CaseCondition.TypeIs(type()) : simpleValue();
                untils.put(name, until);
            }
            conditions.put(name, condition);
            defines.add(new VarDef(name, null, condition.expr(), until == null ? null : until.expr(), Span.NONE));
        }
        if (!negated) {
            visible.add(name);
            if (depth == 0) {
                topLevel.add(name);
            }
        }
        return name;
    }

    // ---------------------------------------------------------------- conditions

    private CaseCondition condition(String self, boolean looping) {
        double p = random.nextDouble();
        if (p < 0.03) {
            return new CaseCondition.Always();
        }
        if (p < 0.45) {
            return typeCondition();
        }
        if (p < 0.6) {
            return simpleValue();
        }
        if (p < 0.7) {
            CaseCondition left = chance(0.5) ? typeCondition() : simpleValue();
            CaseCondition right = chance(0.5) ? typeCondition() : simpleValue();
            if (chance(0.3)) {
                right = new CaseCondition.Not(right);
            }
            return chance(0.5) ? new CaseCondition.And(left, right) : new CaseCondition.Or(left, right);
        }
        CaseCondition iterative = iterative(self, looping);
        if (iterative == null) {
            return typeCondition();
        }
        return chance(0.6) ? new CaseCondition.And(typeCondition(), iterative) : iterative;
    }

    private CaseCondition typeCondition() {
        if (chance(0.7)) {
            return new CaseCondition.TypeIs(type());
        }
        String first = type();
        String second = type();
        return new CaseCondition.TypeIn(first.equals(second) ? List.of(first) : List.of(first, second));
    }

    private CaseCondition simpleValue() {
        int kind = random.nextInt(3);
        if (kind == 0) {
            return new CaseCondition.ValueCompare(COMPARISONS[random.nextInt(COMPARISONS.length)], random.nextInt(10));
        }
        if (kind == 1) {
            int divisor = 2 + random.nextInt(2);
            return new CaseCondition.ValueModulo(divisor, random.nextInt(divisor));
        }
        int low = random.nextInt(6);
        return new CaseCondition.ValueBetween(low, low + random.nextInt(5));
    }

    /** A condition reading an earlier variable, or the loop's own accepted events; null when none fits. */
    private CaseCondition iterative(String self, boolean looping) {
        List<String> candidates = new ArrayList<>(visible);
        boolean selfPossible = looping && chance(0.5);
        if (candidates.isEmpty() && !selfPossible) {
            return null;
        }
        if (selfPossible) {
            // the loop's own events: the first iteration sees none, so guard with COUNT = 0
            int kind = random.nextInt(3);
            if (kind == 0) {
                return new CaseCondition.CountCompare(self, BinaryOp.LT, 1 + random.nextInt(3));
            }
            CaseCondition.Aggregate aggregate = kind == 1 ? CaseCondition.Aggregate.LAST : aggregate();
            CaseCondition versus = new CaseCondition.ValueVersus(COMPARISONS[random.nextInt(4)], aggregate, self);
            return new CaseCondition.Or(new CaseCondition.CountCompare(self, BinaryOp.EQ, 0), versus);
        }
        String other = candidates.get(random.nextInt(candidates.size()));
        int kind = random.nextInt(5);
        if (kind <= 1) {
            return new CaseCondition.ValueVersus(COMPARISONS[random.nextInt(COMPARISONS.length)], aggregate(), other);
        }
        if (kind == 2) {
            BinaryOp op = chance(0.5) ? BinaryOp.LT : BinaryOp.GE;
            return new CaseCondition.CountCompare(other, op, 1 + random.nextInt(3));
        }
        if (kind == 3) {
            return new CaseCondition.SumWithLast(other, 4 + random.nextInt(10));
        }
        return new CaseCondition.CloseAfter(other, 1 + random.nextInt(6));
    }

    private CaseCondition.Aggregate aggregate() {
        CaseCondition.Aggregate[] all = CaseCondition.Aggregate.values();
        return all[random.nextInt(all.length)];
    }

    private String type() {
        // A and B are common, E is rare: conditions on common types match often, on rare ones seldom
        double p = random.nextDouble();
        return p < 0.3 ? "A" : p < 0.55 ? "B" : p < 0.75 ? "C" : p < 0.9 ? "D" : "E";
    }

    // ---------------------------------------------------------------- rule options

    private AfterMatchSkip skip() {
        double p = random.nextDouble();
        if (p < 0.25) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.NO_SKIP, null, Span.NONE);
        }
        if (p < 0.4) {
            return new AfterMatchSkip(AfterMatchSkip.Kind.TO_NEXT_EVENT, null, Span.NONE);
        }
        if (p < 0.7 || all.isEmpty()) {
            return AfterMatchSkip.pastLastEvent(Span.NONE);
        }
        AfterMatchSkip.Kind kind = p < 0.85 ? AfterMatchSkip.Kind.TO_FIRST : AfterMatchSkip.Kind.TO_LAST;
        // Flink only finds top-level variables; a nested or negated one is rejected, keep that rare
        List<String> names = topLevel.isEmpty() || chance(0.03) ? all : topLevel;
        return new AfterMatchSkip(kind, names.get(random.nextInt(names.size())), Span.NONE);
    }

    // ---------------------------------------------------------------- events

    private List<CaseEvent> events(long delay, boolean windowed) {
        int keys = 1 + random.nextInt(3);
        // skip-till-any-match multiplies partial matches per event: keep those streams short; now and then
        // a long stream piles up partial matches, where pruning and Flink's queue order matter most (only
        // under WITHIN, which bounds how many pile up)
        int perKey = nonDeterministic ? 4 + random.nextInt(7)
                : windowed && chance(0.15) ? 30 + random.nextInt(30) : 5 + random.nextInt(12);
        int count = keys * perKey;
        List<CaseEvent> events = new ArrayList<>(count);
        // Flink registers no WITHIN timer for runs starting at or below 0: start there now and then
        long maxSeen = chance(0.1) ? 0 : 1_000;
        boolean started = false;
        for (int id = 1; id <= count; id++) {
            long ts;
            double p = random.nextDouble();
            long watermark = maxSeen - delay - 1;
            if (started && p < 0.06) {
                ts = watermark - random.nextInt(3); // late: at or below the watermark
            } else if (started && p < 0.2) {
                ts = maxSeen - random.nextInt((int) delay + 1); // out of order, within the delay
            } else {
                ts = maxSeen + (started ? random.nextInt(4) : 0); // in order; 0 makes ties
            }
            started = true;
            maxSeen = Math.max(maxSeen, ts);
            events.add(new CaseEvent("k" + random.nextInt(keys), type(), random.nextInt(10), id, ts));
        }
        return events;
    }

    private boolean chance(double probability) {
        return random.nextDouble() < probability;
    }
}
