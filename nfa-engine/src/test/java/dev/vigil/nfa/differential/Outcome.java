package dev.vigil.nfa.differential;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one CEP implementation emitted for a case, per key, in a form both sides produce identically
 * when they agree: each match as {@code a[3 4] b[7]} (variables in name order, which is pattern order,
 * and event ids in the order bound), each timed-out partial match the same plus {@code @<timeout ts>},
 * each late event as its id. Lists keep emission order.
 *
 * <p><b>Not thread-safe:</b> filled by one run.
 */
final class Outcome {
    /** The output of one key. */
    record KeyOutcome(List<String> matches, List<String> timeouts, List<Integer> late) {
        KeyOutcome() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private final Map<String, KeyOutcome> byKey = new TreeMap<>();

    void match(String key, Map<String, List<Integer>> events) {
        of(key).matches().add(text(events));
    }

    void timeout(String key, Map<String, List<Integer>> events, long timeoutTimestamp) {
        of(key).timeouts().add(text(events) + " @" + timeoutTimestamp);
    }

    void late(String key, int id) {
        of(key).late().add(id);
    }

    Map<String, KeyOutcome> byKey() {
        return byKey;
    }

    int matchCount() {
        int count = 0;
        for (KeyOutcome outcome : byKey.values()) {
            count += outcome.matches().size();
        }
        return count;
    }

    int timeoutCount() {
        int count = 0;
        for (KeyOutcome outcome : byKey.values()) {
            count += outcome.timeouts().size();
        }
        return count;
    }

    int lateCount() {
        int count = 0;
        for (KeyOutcome outcome : byKey.values()) {
            count += outcome.late().size();
        }
        return count;
    }

    private KeyOutcome of(String key) {
        return byKey.computeIfAbsent(key, k -> new KeyOutcome());
    }

    private static String text(Map<String, List<Integer>> events) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<Integer>> variable : new TreeMap<>(events).entrySet()) {
            if (variable.getValue().isEmpty()) {
                continue; // a variable without events is the same as an absent one
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(variable.getKey()).append('[');
            List<Integer> ids = variable.getValue();
            for (int i = 0; i < ids.size(); i++) {
                out.append(i == 0 ? "" : " ").append(ids.get(i));
            }
            out.append(']');
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Outcome outcome && byKey.equals(outcome.byKey);
    }

    @Override
    public int hashCode() {
        return byKey.hashCode();
    }

    /** Where this outcome (Flink's) and another (Vigil's) part: per key and kind, the first differing entry. */
    String differences(Outcome other) {
        StringBuilder out = new StringBuilder();
        Set<String> keys = new TreeSet<>(byKey.keySet());
        keys.addAll(other.byKey.keySet());
        for (String key : keys) {
            KeyOutcome mine = byKey.getOrDefault(key, new KeyOutcome());
            KeyOutcome theirs = other.byKey.getOrDefault(key, new KeyOutcome());
            difference(out, key + " matches", mine.matches(), theirs.matches());
            difference(out, key + " timeouts", mine.timeouts(), theirs.timeouts());
            difference(out, key + " late", mine.late(), theirs.late());
        }
        return out.toString();
    }

    private static void difference(StringBuilder out, String what, List<?> flink, List<?> vigil) {
        if (flink.equals(vigil)) {
            return;
        }
        int i = 0;
        while (i < flink.size() && i < vigil.size() && flink.get(i).equals(vigil.get(i))) {
            i++;
        }
        boolean sameSet = new HashSet<>(flink).equals(new HashSet<>(vigil))
                && flink.size() == vigil.size();
        out.append("  ").append(what).append(": ").append(flink.size()).append(" vs ").append(vigil.size())
                .append(sameSet ? " (same entries, other order)" : "").append(", first difference at #").append(i)
                .append(": flink ").append(i < flink.size() ? flink.get(i) : "(none)")
                .append(", vigil ").append(i < vigil.size() ? vigil.get(i) : "(none)").append('\n');
    }

    /** One line per key and kind, for failure reports. */
    @Override
    public String toString() {
        if (byKey.isEmpty()) {
            return "  (nothing)\n";
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, KeyOutcome> entry : byKey.entrySet()) {
            KeyOutcome outcome = entry.getValue();
            out.append("  ").append(entry.getKey()).append(" matches  ").append(outcome.matches()).append('\n');
            if (!outcome.timeouts().isEmpty()) {
                out.append("  ").append(entry.getKey()).append(" timeouts ").append(outcome.timeouts()).append('\n');
            }
            if (!outcome.late().isEmpty()) {
                out.append("  ").append(entry.getKey()).append(" late     ").append(outcome.late()).append('\n');
            }
        }
        return out.toString();
    }
}
