package dev.vigil.nfa;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An event's fields as shared {@link FieldNames} and an array of values: an immutable map that costs an event two
 * small objects instead of a hash table, and that the engine reads by position. Values may be null (a JSON null);
 * {@link #get} gives null for such a field as for an absent one, {@link #containsKey} tells them apart.
 *
 * <p>Iterates in the names' order. Equal to any map with the same mappings. A {@link Map} of its own rather than an
 * {@code AbstractMap}, whose two cached views would be two fields more in every event held (24 bytes, not 32).
 */
public final class EventFields implements Map<String, Object> {
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
    public boolean containsValue(Object value) {
        for (Object v : values) {
            if (Objects.equals(v, value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean isEmpty() {
        return values.length == 0;
    }

    @Override
    public Object put(String key, Object value) {
        throw new UnsupportedOperationException("event fields cannot be changed");
    }

    @Override
    public Object remove(Object key) {
        throw new UnsupportedOperationException("event fields cannot be changed");
    }

    @Override
    public void putAll(Map<? extends String, ?> map) {
        throw new UnsupportedOperationException("event fields cannot be changed");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("event fields cannot be changed");
    }

    @Override
    public Set<String> keySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<String> iterator() {
                return new Positions<>() {
                    @Override
                    String at(int i) {
                        return names.name(i);
                    }
                };
            }

            @Override
            public boolean contains(Object name) {
                return containsKey(name);
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }

    @Override
    public Collection<Object> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<Object> iterator() {
                return new Positions<>() {
                    @Override
                    Object at(int i) {
                        return values[i];
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Positions<>() {
                    @Override
                    Entry<String, Object> at(int i) {
                        return new AbstractMap.SimpleImmutableEntry<>(names.name(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }

    /** Map's contract: equal to any map with the same mappings. */
    @Override
    public boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        if (!(other instanceof Map<?, ?> map) || map.size() != values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            String name = names.name(i);
            if (value == null ? map.get(name) != null || !map.containsKey(name) : !value.equals(map.get(name))) {
                return false;
            }
        }
        return true;
    }

    /** Map's contract: the sum of the entries' hashes. */
    @Override
    public int hashCode() {
        int hash = 0;
        for (int i = 0; i < values.length; i++) {
            hash += names.name(i).hashCode() ^ Objects.hashCode(values[i]);
        }
        return hash;
    }

    /** As {@code AbstractMap} prints: {@code {name=value, ...}} in the names' order. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(names.name(i)).append('=').append(values[i] == this ? "(this Map)" : values[i]);
        }
        return out.append('}').toString();
    }

    /** An iterator over the positions 0 .. size - 1, giving what {@link #at} makes of each. */
    private abstract class Positions<T> implements Iterator<T> {
        private int next;

        abstract T at(int i);

        @Override
        public boolean hasNext() {
            return next < values.length;
        }

        @Override
        public T next() {
            if (next >= values.length) {
                throw new NoSuchElementException();
            }
            return at(next++);
        }
    }
}
