package dev.vigil.nfa;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;

/**
 * The field names of events that all have the same fields in the same order (the usual case for one stream):
 * built once and shared, so each event keeps only its values ({@link EventFields}). Names are interned, as the
 * engine's compiled field reads are: a read finds its field by reference, without hashing.
 *
 * <p>Immutable and thread-safe.
 */
public final class FieldNames {
    private final String[] names;

    private FieldNames(String[] names) {
        this.names = names;
    }

    /** The names, in the order the values will be given; no name twice, none null. */
    public static FieldNames of(String... names) {
        String[] interned = new String[names.length];
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
            String name = Objects.requireNonNull(names[i], "field name " + i);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("field name '" + name + "' twice");
            }
            interned[i] = name.intern();
        }
        return new FieldNames(interned);
    }

    /**
     * An event's fields: {@code values[i]} is the value of the i-th name. The array is kept as given (not copied):
     * the caller must not change it afterwards.
     */
    public EventFields fields(Object... values) {
        if (values.length != names.length) {
            throw new IllegalArgumentException(values.length + " values for " + names.length + " field names "
                    + Arrays.toString(names));
        }
        return new EventFields(this, values);
    }

    public int size() {
        return names.length;
    }

    /** The i-th name. */
    public String name(int i) {
        return names[i];
    }

    /** The position of {@code name}, or -1 when it is not one of these names. */
    int indexOf(Object name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) {   // interned on both sides in the engine's reads
                return i;
            }
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return Arrays.toString(names);
    }
}
