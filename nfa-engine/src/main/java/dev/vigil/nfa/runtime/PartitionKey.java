package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Extracts a rule's partition key from an event: the value of the single {@code PARTITION BY} field, a list of
 * values for a composite key, or one global key when the rule has no {@code PARTITION BY}. Missing fields are
 * null; numbers keep the type they arrived with, so {@code 7} and {@code 7.0} are different keys.
 */
final class PartitionKey {
    /** The key of every event of a rule without {@code PARTITION BY}. */
    static final Object GLOBAL = new Object() {
        @Override
        public String toString() {
            return "<global>";
        }
    };

    /** Stands in for a null key value in hash tables. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final List<List<String>> paths;

    PartitionKey(List<List<String>> paths) {
        this.paths = paths;
    }

    Object of(Event event) {
        if (paths.isEmpty()) {
            return GLOBAL;
        }
        if (paths.size() == 1) {
            Object value = event.field(paths.get(0));
            return value == null ? NULL : value;
        }
        List<Object> values = new ArrayList<>(paths.size());
        for (List<String> path : paths) {
            values.add(event.field(path));
        }
        return Collections.unmodifiableList(values);
    }

    /** The key as users see it in alerts: null for the global key and for a null value. */
    static Object external(Object key) {
        return key == GLOBAL || key == NULL ? null : key;
    }
}
