package dev.vigil.bench.compare;

import java.util.SplittableRandom;

/**
 * The events every engine of the comparison runs over, generated from a seed and held in columns: event {@code i}
 * has key {@code keyNames[key[i]]}, type {@code TYPES[type[i]]} (A..E, uniform), a value 0..99 and the timestamp
 * {@code FIRST_TIMESTAMP + i} (1 ms apart, so monotonous). Each engine builds its own event objects from these
 * columns before it is timed; the event's id in a match is its index {@code i}.
 */
public final class GeneratedStream {
    public static final String[] TYPES = {"A", "B", "C", "D", "E"};
    public static final long FIRST_TIMESTAMP = 1_000_000L;

    private final String[] keyNames;
    private final int[] key;
    private final byte[] type;
    private final int[] value;

    private GeneratedStream(String[] keyNames, int[] key, byte[] type, int[] value) {
        this.keyNames = keyNames;
        this.key = key;
        this.type = type;
        this.value = value;
    }

    public static GeneratedStream generate(int events, int keys, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] keyNames = new String[keys];
        for (int k = 0; k < keys; k++) {
            keyNames[k] = "k" + k;
        }
        int[] key = new int[events];
        byte[] type = new byte[events];
        int[] value = new int[events];
        for (int i = 0; i < events; i++) {
            key[i] = random.nextInt(keys);
            type[i] = (byte) random.nextInt(TYPES.length);
            value[i] = random.nextInt(100);
        }
        return new GeneratedStream(keyNames, key, type, value);
    }

    public int size() {
        return key.length;
    }

    public int keys() {
        return keyNames.length;
    }

    /** The key's name; the same String instance for every event of the key. */
    public String key(int i) {
        return keyNames[key[i]];
    }

    /** The key's number, 0 .. keys-1. */
    public int keyIndex(int i) {
        return key[i];
    }

    /** 0 for A .. 4 for E. */
    public int typeIndex(int i) {
        return type[i];
    }

    public String type(int i) {
        return TYPES[type[i]];
    }

    public int value(int i) {
        return value[i];
    }

    public long timestamp(int i) {
        return FIRST_TIMESTAMP + i;
    }
}
