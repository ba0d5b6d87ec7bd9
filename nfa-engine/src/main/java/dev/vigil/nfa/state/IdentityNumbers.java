package dev.vigil.nfa.state;

import java.util.Arrays;

/**
 * Numbers objects by identity (0, 1, 2, ... in first-seen order) without boxing: an open-addressing table of
 * objects and ints. A snapshot numbers a million events and key states with it, so {@code IdentityHashMap}'s
 * boxed values would be a million allocations during the ingestion pause.
 *
 * <p><b>Not thread-safe:</b> one per snapshot.
 */
final class IdentityNumbers {
    private Object[] objects;
    private int[] numbers;
    private int size;
    private int shift;

    /** @param expected about how many objects will be numbered (the table grows past it) */
    IdentityNumbers(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        objects = new Object[capacity];
        numbers = new int[capacity];
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    int size() {
        return size;
    }

    /** Forgets every number (keeps the table unless it grew large). */
    void clear() {
        if (size == 0) {
            return;
        }
        if (objects.length > 1024) {
            objects = new Object[64];
            numbers = new int[64];
            shift = 32 - Integer.numberOfTrailingZeros(64);
        } else {
            Arrays.fill(objects, null);
        }
        size = 0;
    }

    /** The number of {@code object}, or -1 when it has none. */
    int get(Object object) {
        int mask = objects.length - 1;
        for (int i = slot(object); ; i = (i + 1) & mask) {
            Object at = objects[i];
            if (at == object) {
                return numbers[i];
            }
            if (at == null) {
                return -1;
            }
        }
    }

    /** Gives {@code object} the next number and returns it; the object must not have one yet. */
    int add(Object object) {
        if (size * 2 >= objects.length) {
            grow();
        }
        int number = size++;
        insert(object, number);
        return number;
    }

    private void insert(Object object, int number) {
        int mask = objects.length - 1;
        int i = slot(object);
        while (objects[i] != null) {
            i = (i + 1) & mask;
        }
        objects[i] = object;
        numbers[i] = number;
    }

    private int slot(Object object) {
        return (System.identityHashCode(object) * 0x9E3779B9) >>> shift;
    }

    private void grow() {
        Object[] oldObjects = objects;
        int[] oldNumbers = numbers;
        objects = new Object[oldObjects.length * 2];
        numbers = new int[oldObjects.length * 2];
        shift--;
        for (int i = 0; i < oldObjects.length; i++) {
            if (oldObjects[i] != null) {
                insert(oldObjects[i], oldNumbers[i]);
            }
        }
        Arrays.fill(oldObjects, null);
    }
}
