package dev.vigil.nfa;

/**
 * A {@link MemoryKeyStore} counting the writes asked of it (puts, deletes, range deletes): for tests of what reaches
 * a key store.
 */
final class CountingKeyStore implements KeyStore {
    private final MemoryKeyStore entries = new MemoryKeyStore();
    int writes;

    @Override
    public byte[] get(byte[] key) {
        return entries.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        writes++;
        entries.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        writes++;
        entries.delete(key);
    }

    @Override
    public void deleteRange(byte[] from, byte[] to) {
        writes++;
        entries.deleteRange(from, to);
    }

    @Override
    public Entry first(byte[] from, byte[] to) {
        return entries.first(from, to);
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        return entries.scan(from, to);
    }

    @Override
    public void close() {
        entries.close();
    }
}
