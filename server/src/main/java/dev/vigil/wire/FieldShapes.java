package dev.vigil.wire;

import dev.vigil.nfa.FieldNames;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The field-name lists ("shapes") that input events have had, each as one shared {@link FieldNames}, so that an
 * event object is read straight into the engine's compact {@code EventFields}: one array of values per event instead
 * of a hash table, and field reads by reference. Events of one stream nearly always share one shape, so a reader
 * keeps the last shape it used ({@link Reader}) and compares names by reference (the JSON parser interns them);
 * only a new shape costs a look-up here.
 *
 * <p><b>Bounded.</b> At most {@link #MAX_SHAPES} shapes are kept; beyond them (a client sending ever new field
 * names) an event gets a {@code FieldNames} of its own, which costs allocation, never memory that stays.
 *
 * <p><b>Thread-safe:</b> the table is concurrent; each thread reads with a {@link Reader} of its own, so the
 * lines of one message, read one after the other, find their shape without a look-up.
 */
final class FieldShapes {
    /** Shapes kept at most. */
    static final int MAX_SHAPES = 4096;

    private static final ConcurrentHashMap<List<String>, FieldNames> SHAPES = new ConcurrentHashMap<>();

    private static final ThreadLocal<Reader> READERS = ThreadLocal.withInitial(Reader::new);

    private FieldShapes() {
    }

    /** This thread's reader; one parse at a time uses it (a parse calls out to nothing that parses). */
    static Reader reader() {
        return READERS.get();
    }

    /** The shape of the first {@code count} names, or null when a name repeats (such an object is no shape). */
    static FieldNames of(String[] names, int count) {
        List<String> key = List.of(Arrays.copyOf(names, count));
        FieldNames known = SHAPES.get(key);
        if (known != null) {
            return known;
        }
        if (new HashSet<>(key).size() < count) {
            return null;
        }
        FieldNames fresh = FieldNames.of(key.toArray(String[]::new));
        if (SHAPES.size() >= MAX_SHAPES) {
            return fresh;
        }
        FieldNames raced = SHAPES.putIfAbsent(key, fresh);
        return raced != null ? raced : fresh;
    }

    /** The names and values of the event object being read, and the shape of the last one; one thread's. */
    static final class Reader {
        private String[] names = new String[16];
        private Object[] values = new Object[16];
        private int count;
        private FieldNames last;

        void start() {
            count = 0;
        }

        void add(String name, Object value) {
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                values = Arrays.copyOf(values, count * 2);
            }
            names[count] = name;
            values[count++] = value;
        }

        /**
         * The object read since {@link #start}: compact when its names do not repeat; else as a
         * {@code LinkedHashMap} where a repeated name keeps its last value, as JSON readers do.
         */
        java.util.Map<String, Object> finish() {
            FieldNames shape = sameAsLast() ? last : FieldShapes.of(names, count);
            java.util.Map<String, Object> object;
            if (shape == null) {
                object = new java.util.LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    object.put(names[i], values[i]);
                }
            } else {
                last = shape;
                object = shape.fields(Arrays.copyOf(values, count));
            }
            Arrays.fill(values, 0, count, null);   // keeps no event alive
            return object;
        }

        private boolean sameAsLast() {
            if (last == null || last.size() != count) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                String name = last.name(i);
                if (name != names[i] && !name.equals(names[i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
