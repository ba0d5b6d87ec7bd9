package dev.vigil.nfa.state;

/**
 * The tag byte in front of every field value and key in a snapshot. Each Java type an event may carry has its
 * own tag, so a restored event holds values of exactly the types it held (a {@code Long} 7 and an
 * {@code Integer} 7 are different keys and compare differently), and conditions and alerts see the same.
 */
final class ValueTags {
    static final int NULL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    static final int LONG = 3;
    static final int DOUBLE = 4;
    static final int STRING = 5;
    static final int LIST = 6;
    static final int MAP = 7;
    static final int INT = 8;
    static final int SHORT = 9;
    static final int BYTE = 10;
    static final int FLOAT = 11;
    static final int BIG_INTEGER = 12;
    static final int BIG_DECIMAL = 13;
    /** Keys only: the key of a rule without {@code PARTITION BY}. */
    static final int GLOBAL_KEY = 14;
    /** Keys only: a null key value. */
    static final int NULL_KEY = 15;

    private ValueTags() {}
}
