package dev.vigil.dsl.check;

import dev.vigil.dsl.ast.FieldType;

/**
 * The static type of an expression as far as the checker can tell. UNKNOWN (a field of an undeclared
 * stream, a nested object) never causes an error: rules over schemaless events are checked only for what
 * can be known. TIMESTAMP and DURATION are LONG milliseconds that keep their meaning for messages.
 */
enum Type {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIMESTAMP,
    DURATION,
    NULL,
    UNKNOWN;

    static Type of(FieldType type) {
        switch (type) {
            case STRING:
                return STRING;
            case LONG:
                return LONG;
            case DOUBLE:
                return DOUBLE;
            case BOOLEAN:
                return BOOLEAN;
            case TIMESTAMP:
                return TIMESTAMP;
            default:
                throw new AssertionError(type);
        }
    }

    boolean numeric() {
        return this == LONG || this == DOUBLE || this == TIMESTAMP || this == DURATION;
    }

    /** Whether nothing is known about the value's kind (so no check applies). */
    boolean open() {
        return this == UNKNOWN || this == NULL;
    }

    /** Whether values of the two types can be compared with {@code = <>} (and ordered, for non-booleans). */
    boolean comparableWith(Type other) {
        if (open() || other.open()) {
            return true;
        }
        return (numeric() && other.numeric()) || this == other;
    }

    /** The type of a value that may be either: DOUBLE when LONG and DOUBLE mix, UNKNOWN when unrelated. */
    Type join(Type other) {
        if (this == other || other == NULL) {
            return this;
        }
        if (this == NULL) {
            return other;
        }
        if (numeric() && other.numeric()) {
            return this == DOUBLE || other == DOUBLE ? DOUBLE : LONG;
        }
        return UNKNOWN;
    }

    /** "a STRING", "a number" — how messages name a value of this type. */
    String describe() {
        switch (this) {
            case TIMESTAMP:
                return "a TIMESTAMP";
            case DURATION:
                return "a duration";
            case NULL:
                return "NULL";
            case UNKNOWN:
                return "a value";
            default:
                return "a " + name();
        }
    }
}
