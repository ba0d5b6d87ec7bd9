package dev.vigil.nfa;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An event's fields as shared {@link FieldNames} and an array of values: an immutable map that costs an event two
 * small objects instead of a hash table, and that the engine reads by position. Values may be null (a JSON null);
 * {@link #get} gives null for such a field as for an absent one, {@link #containsKey} tells them apart.
 *
 * <p>Iterates in the names' order. Equal to any map with the same mappings.
 */
public final class EventFields extends AbstractMap<String, Object> {
    private final FieldNames names;
    private final Object[] values;

    EventFields(FieldNames names, Object[] values) {
        this.names = names;
        this.values = values;
    }

    public FieldNames names() {
        return names;
    }

    @Override
    public Object get(Object name) {
        int i = names.indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object name) {
        return names.indexOf(name) >= 0;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names.name(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
