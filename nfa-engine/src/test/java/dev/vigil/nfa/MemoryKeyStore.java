package dev.vigil.nfa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The smallest {@link KeyStore}: a sorted map in memory, whose scans copy the entries they cover when opened. A
 * reference for hosts writing a store, and what the engine's tests of serialized key state run on (module
 * {@code nfa-rocksdb} runs the same tests on RocksDB).
 */
public final class MemoryKeyStore implements KeyStore {
    private final TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);
    private boolean closed;

    @Override
    public byte[] get(byte[] key) {
        open();
        return entries.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        open();
        entries.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        open();
        entries.remove(key);
    }

    @Override
    public void deleteRange(byte[] from, byte[] to) {
        open();
        entries.subMap(from, to).clear();
    }

    @Override
    public Entry first(byte[] from, byte[] to) {
        open();
        Map.Entry<byte[], byte[]> first = entries.ceilingEntry(from);
        return first == null || Arrays.compareUnsigned(first.getKey(), to) >= 0 ? null
                : new Entry(first.getKey(), first.getValue());
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        open();
        List<Entry> copy = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> entry : entries.subMap(from, to).entrySet()) {
            copy.add(new Entry(entry.getKey(), entry.getValue()));
        }
        Iterator<Entry> iterator = copy.iterator();
        return new Scan() {
            @Override
            public Entry next() {
                return iterator.hasNext() ? iterator.next() : null;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {
        closed = true;
        entries.clear();
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the key store is closed");
        }
    }
}
