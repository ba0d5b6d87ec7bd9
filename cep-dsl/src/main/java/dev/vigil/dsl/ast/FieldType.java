package dev.vigil.dsl.ast;

/** Types a declared stream field may have. TIMESTAMP is epoch milliseconds or ISO-8601 text in events. */
public enum FieldType {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIMESTAMP
}
