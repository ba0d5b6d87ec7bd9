package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.FieldRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands an arriving event to the rules reading its stream (event time), visiting only those it can start or that
 * hold state for its key: with hundreds of rules over millions of keys, asking every rule's key table whether the
 * key holds something, and evaluating every rule's start guards, is most of the work for an event that concerns few
 * of them.
 *
 * <p><b>How.</b> Rules with the same {@code PARTITION BY} form a group and share one reading of the key. The
 * engine's {@link KeyPresence} says whether any rule may hold a state for the key; when none does, the rules are
 * indexed by the tests their starts begin with ({@link StartTest}): by the string of a test "field = string" (per
 * group, on the field most of them test), then by a test "field against a number" ({@code value >= 40}) that comes
 * right after it or first, in order of looseness. An event whose field is absent or a string visits only the rules
 * of its string; of those, and of the rules beginning with a range, it visits only the ranges its number passes
 * (when the field is absent, none); and it visits the rules without such tests. The others are told the event
 * starts nothing at a key holding nothing ({@link RuleRuntime#bufferStartingNothing}), which is exactly what their
 * guards would have found, without an evaluation error (a string compared with a string, a number with a number, or
 * an absent field, records none, and a conjunction's false test decides it alone). An event whose equality field is
 * of another kind than a string, or whose key may hold a state, visits every rule as before; one whose range field
 * is of another kind than a number visits every rule of that range. Rules are visited in deployment order, as
 * before.
 *
 * <p>Only for heap state (the presence is kept by heap stores): a serialized store's engine visits every rule.
 *
 * <p><b>Not thread-safe:</b> owned by one engine.
 */
public final class RuleDispatch {
    private final RuleRuntime[] rules;
    private final KeyPresence presence;
    /** Each rule's group. */
    private final Group[] groupOf;
    private final Group[] groups;
    /** The event number at which each rule was last found a candidate. */
    private final long[] candidate;
    private long events;

    private RuleDispatch(List<RuleRuntime> readers, KeyPresence presence) {
        this.rules = readers.toArray(new RuleRuntime[0]);
        this.presence = presence;
        this.groupOf = new Group[rules.length];
        this.candidate = new long[rules.length];
        Map<List<List<String>>, List<Integer>> members = new LinkedHashMap<>();
        for (int i = 0; i < rules.length; i++) {
            members.computeIfAbsent(rules[i].rule().partitionBy(), p -> new ArrayList<>()).add(i);
        }
        List<Group> made = new ArrayList<>();
        for (Map.Entry<List<List<String>>, List<Integer>> group : members.entrySet()) {
            Group g = new Group(group.getKey(), group.getValue(), rules);
            made.add(g);
            for (int i : group.getValue()) {
                groupOf[i] = g;
            }
        }
        this.groups = made.toArray(new Group[0]);
    }

    /** A dispatch over {@code readers} (in deployment order), or null when the storage keeps no key presence. */
    public static RuleDispatch of(List<RuleRuntime> readers, KeyStorage storage) {
        return storage.presence() == null ? null : new RuleDispatch(readers, storage.presence());
    }

    /**
     * {@link RuleRuntime#buffer(Event, long)} for every rule, each with the watermark the engine gives it:
     * {@code moved} (the stream's clock moved) the lowest of its streams', else its own.
     */
    public void buffer(Event event, boolean moved) {
        long number = ++events;
        for (Group group : groups) {
            group.prepare(event, number, presence, candidate);
        }
        for (int i = 0; i < rules.length; i++) {
            RuleRuntime rule = rules[i];
            long watermark = moved ? rule.streamsWatermark() : rule.watermark();
            Group group = groupOf[i];
            if (group.everyRule || candidate[i] == number) {
                rule.buffer(event, group.key, watermark);
            } else {
                rule.bufferStartingNothing(event, group.key, watermark);
            }
        }
    }

    /** The rules of one {@code PARTITION BY}, and their index. */
    private static final class Group {
        private final PartitionKey partitionKey;
        /** Whether any rule of the group is indexed: else every rule sees every event. */
        private final boolean indexed;
        /** The field the equality index reads, or null when no rule of the group begins with an equality. */
        private final String field;
        /** Per value of the field, the rules whose starts test for it. */
        private final Map<String, Starters> byValue = new HashMap<>();
        /** The rules not indexed by value: those whose starts begin with a range, and those every event may start. */
        private final Starters rest;
        /** This event's key, and whether every rule of the group sees it. */
        Object key;
        boolean everyRule;

        Group(List<List<String>> partitionBy, List<Integer> members, RuleRuntime[] rules) {
            this.partitionKey = new PartitionKey(partitionBy);
            Map<String, Integer> fields = new HashMap<>();
            for (int i : members) {
                StartTest test = rules[i].startTest();
                if (test != null && test.equality() != null) {
                    fields.merge(test.equality().field(), 1, Integer::sum);
                }
            }
            this.field = mostCommon(fields);
            Starters.Builder others = new Starters.Builder();
            Map<String, Starters.Builder> values = new HashMap<>();
            for (int i : members) {
                StartTest test = rules[i].startTest();
                if (test != null && test.equality() != null && test.equality().field().equals(field)) {
                    values.computeIfAbsent(test.equality().value(), v -> new Starters.Builder()).add(i, test.range());
                } else if (test != null && test.equality() == null) {
                    others.add(i, test.range());   // begins with the range
                } else {
                    others.add(i, null);
                }
            }
            values.forEach((value, starters) -> byValue.put(value, starters.build()));
            this.rest = others.build();
            this.indexed = field != null || rest.ranged();
        }

        /** Reads the event's key once for the group and marks the rules it must visit (number {@code event}). */
        void prepare(Event event, long number, KeyPresence presence, long[] candidate) {
            key = partitionKey.of(event);
            everyRule = !indexed || presence.mayHold(key);
            if (everyRule) {
                return;
            }
            if (field != null) {
                Object value = event.field(field);
                if (value != null && !(value instanceof String)) {
                    everyRule = true;   // the guards would compare kinds that differ: let them, and count the errors
                    return;
                }
                Starters starters = value == null ? null : byValue.get(value);
                if (starters != null) {
                    starters.mark(event, number, candidate);
                }
            }
            rest.mark(event, number, candidate);
        }
    }

    /**
     * Rules an event may start once it passed the tests that led here (none, or an equality): those without a further
     * test indexed, and those whose next test is a range on the field most of them test, in order of looseness (an
     * event passes a prefix of each direction's list). An event whose field is absent passes no range; one whose field
     * is not a number visits every ranged rule, whose guards then record the error.
     */
    private static final class Starters {
        private final int[] plain;
        /** The ranges' field, or null when no rule here has a range. */
        private final FieldRange read;
        private final int[] above;
        private final FieldRange[] aboveTests;
        private final int[] below;
        private final FieldRange[] belowTests;

        private Starters(int[] plain, FieldRange read, List<Ranged> above, List<Ranged> below) {
            this.plain = plain;
            this.read = read;
            this.above = indexes(above);
            this.aboveTests = above.stream().map(Ranged::test).toArray(FieldRange[]::new);
            this.below = indexes(below);
            this.belowTests = below.stream().map(Ranged::test).toArray(FieldRange[]::new);
        }

        boolean ranged() {
            return read != null;
        }

        void mark(Event event, long number, long[] candidate) {
            for (int i : plain) {
                candidate[i] = number;
            }
            if (read == null) {
                return;
            }
            Object value = read.read(event);
            if (value == null) {
                return;
            }
            boolean numeric = FieldRange.isNumber(value);
            for (int k = 0; k < above.length && (!numeric || aboveTests[k].passes(value)); k++) {
                candidate[above[k]] = number;
            }
            for (int k = 0; k < below.length && (!numeric || belowTests[k].passes(value)); k++) {
                candidate[below[k]] = number;
            }
        }

        private static int[] indexes(List<Ranged> ranged) {
            int[] array = new int[ranged.size()];
            for (int k = 0; k < array.length; k++) {
                array[k] = ranged.get(k).rule;
            }
            return array;
        }

        private record Ranged(int rule, FieldRange test) {}

        /** Collects the rules of one place in the index, in deployment order. */
        static final class Builder {
            private final List<Ranged> rules = new ArrayList<>();

            void add(int rule, FieldRange range) {
                rules.add(new Ranged(rule, range));
            }

            Starters build() {
                Map<String, Integer> fields = new HashMap<>();
                for (Ranged rule : rules) {
                    if (rule.test != null) {
                        fields.merge(rule.test.field(), 1, Integer::sum);
                    }
                }
                String field = mostCommon(fields);
                List<Integer> plain = new ArrayList<>();
                List<Ranged> above = new ArrayList<>();
                List<Ranged> below = new ArrayList<>();
                FieldRange read = null;
                for (Ranged rule : rules) {
                    if (rule.test == null || !rule.test.field().equals(field)) {
                        plain.add(rule.rule);
                    } else {
                        read = rule.test;
                        (rule.test.above() ? above : below).add(rule);
                    }
                }
                above.sort((a, b) -> a.test.compareLooseness(b.test));
                below.sort((a, b) -> a.test.compareLooseness(b.test));
                return new Starters(toArray(plain), read, above, below);
            }
        }
    }

    /** The key of {@code counts} with the highest count (ties: any), or null when it is empty. */
    private static String mostCommon(Map<String, Integer> counts) {
        String chosen = null;
        for (Map.Entry<String, Integer> candidate : counts.entrySet()) {
            if (chosen == null || candidate.getValue() > counts.get(chosen)) {
                chosen = candidate.getKey();
            }
        }
        return chosen;
    }

    private static int[] toArray(List<Integer> indexes) {
        int[] array = new int[indexes.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = indexes.get(i);
        }
        return array;
    }
}
