package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.FieldEquals;
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
 * engine's {@link KeyPresence} says whether any rule may hold a state for the key; when none does, the rules whose
 * every start begins with a test "field = string" ({@link RuleRuntime#startTest}) are indexed by that string (per
 * group, on the field most of them test): an event whose field is absent or a string visits only the rules of that
 * string, and the rules without such a test. The others are told the event starts nothing at a key holding
 * nothing ({@link RuleRuntime#bufferStartingNothing}), which is exactly what their guards would have found, without
 * an evaluation error (a string compared with a string, or an absent field, records none). An event whose field
 * is of another kind, or whose key may hold a state, visits every rule as before. Rules are visited in deployment
 * order, as before.
 *
 * <p>Only for heap state (the presence is kept by heap stores): a serialized store's engine visits every rule.
 *
 * <p><b>Not thread-safe:</b> owned by one engine.
 */
public final class RuleDispatch {
    private static final int[] NONE = new int[0];

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
                rule.buffer(event, watermark);
            } else {
                rule.bufferStartingNothing(event, group.key, watermark);
            }
        }
    }

    /** The rules of one {@code PARTITION BY}, and their index. */
    private static final class Group {
        private final PartitionKey partitionKey;
        /** The field the index reads, or null when no rule of the group can be indexed. */
        private final String field;
        /** Per value of the field, the rules whose starts test for it. */
        private final Map<String, int[]> byValue = new HashMap<>();
        /** The rules that are not indexed: every event is theirs to try. */
        private final int[] unindexed;
        /** This event's key, and whether every rule of the group sees it. */
        Object key;
        boolean everyRule;

        Group(List<List<String>> partitionBy, List<Integer> members, RuleRuntime[] rules) {
            this.partitionKey = new PartitionKey(partitionBy);
            Map<String, Integer> fields = new HashMap<>();
            for (int i : members) {
                FieldEquals test = rules[i].startTest();
                if (test != null) {
                    fields.merge(test.field(), 1, Integer::sum);
                }
            }
            String chosen = null;
            for (Map.Entry<String, Integer> candidate : fields.entrySet()) {
                if (chosen == null || candidate.getValue() > fields.get(chosen)) {
                    chosen = candidate.getKey();
                }
            }
            this.field = chosen;
            List<Integer> rest = new ArrayList<>();
            Map<String, List<Integer>> values = new HashMap<>();
            for (int i : members) {
                FieldEquals test = rules[i].startTest();
                if (test != null && test.field().equals(chosen)) {
                    values.computeIfAbsent(test.value(), v -> new ArrayList<>()).add(i);
                } else {
                    rest.add(i);
                }
            }
            values.forEach((value, indexes) -> byValue.put(value, toArray(indexes)));
            this.unindexed = toArray(rest);
        }

        /** Reads the event's key once for the group and marks the rules it must visit (number {@code event}). */
        void prepare(Event event, long number, KeyPresence presence, long[] candidate) {
            key = partitionKey.of(event);
            everyRule = field == null || presence.mayHold(key);
            if (everyRule) {
                return;
            }
            Object value = event.field(field);
            if (value != null && !(value instanceof String)) {
                everyRule = true;   // the guards would compare kinds that differ: let them, and count the errors
                return;
            }
            int[] starters = value == null ? NONE : byValue.getOrDefault(value, NONE);
            for (int i : starters) {
                candidate[i] = number;
            }
            for (int i : unindexed) {
                candidate[i] = number;
            }
        }

        private static int[] toArray(List<Integer> indexes) {
            int[] array = new int[indexes.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = indexes.get(i);
            }
            return array;
        }
    }
}
