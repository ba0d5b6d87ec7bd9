package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Extracts a rule's partition key from an event: the value of the single {@code PARTITION BY} field, a list of
 * values for a composite key, or one global key when the rule has no {@code PARTITION BY}. Missing fields are
 * null; numbers keep the type they arrived with, so {@code 7} and {@code 7.0} are different keys.
 *
 * <p>Every key has a hash that depends only on its value (the global and null keys have fixed ones), so the
 * server routes a key to the same shard in every run.
 */
public final class PartitionKey {
    /** The key of every event of a rule without {@code PARTITION BY}. */
    public static final Object GLOBAL = new FixedKey("<global>", 0x6c0b41);

    /** Stands in for a null key value in hash tables. */
    public static final Object NULL = new FixedKey("null", 0);

    private final List<List<String>> paths;
    /** The field's name when the key is one top-level field (the usual case), read without walking a path. */
    private final String topLevelField;

    PartitionKey(List<List<String>> paths) {
        this.paths = paths;
        // Interned as JSON parsers intern field names: the event map's key compare is then ==.
        this.topLevelField = paths.size() == 1 && paths.get(0).size() == 1 ? paths.get(0).get(0).intern() : null;
    }

    Object of(Event event) {
        if (topLevelField != null) {
            Object value = event.field(topLevelField);
            return value == null ? NULL : value;
        }
        return of(paths, event);
    }

    /** The key {@code paths} give {@code event}, as the engine holds it. */
    public static Object of(List<List<String>> paths, Event event) {
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

    /**
     * The key as the engine holds it, from the key as users see it in alerts ({@link #external}): for a rule without
     * {@code PARTITION BY} only null (the global key), for one field any value (null: the null key), for several a
     * list of as many values.
     *
     * @throws IllegalArgumentException a key of another shape than {@code paths} makes
     */
    public static Object internal(List<List<String>> paths, Object key) {
        if (paths.isEmpty()) {
            if (key != null) {
                throw new IllegalArgumentException("a rule without PARTITION BY has one key, null, not " + key);
            }
            return GLOBAL;
        }
        if (paths.size() == 1) {
            return key == null ? NULL : key;
        }
        if (!(key instanceof List<?> values) || values.size() != paths.size()) {
            throw new IllegalArgumentException("a key of PARTITION BY " + paths.size() + " fields is a list of "
                    + paths.size() + " values, not " + key);
        }
        return Collections.unmodifiableList(new ArrayList<>(values));
    }

    /** The key as users see it in alerts: null for the global key and for a null value. */
    public static Object external(Object key) {
        return key == GLOBAL || key == NULL ? null : key;
    }

    /** A marker key with a hash fixed across runs (an identity hash would differ from one process to the next). */
    private static final class FixedKey {
        private final String name;
        private final int hash;

        FixedKey(String name, int hash) {
            this.name = name;
            this.hash = hash;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
