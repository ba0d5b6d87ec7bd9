package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;
import java.util.List;

/**
 * {@code STREAM payments (card_id STRING, amount DOUBLE, ts TIMESTAMP) EVENT TIME ts WATERMARK DELAY 5 SECONDS}.
 *
 * @param eventTimeField the field holding the event time, or {@code null} for the event's own {@code ts}
 * @param watermarkDelayMs the declared watermark delay in milliseconds, or -1 when not declared
 */
public record StreamDecl(String name, List<FieldDecl> fields, FieldPath eventTimeField, long watermarkDelayMs,
        Span span) {
    public StreamDecl {
        fields = List.copyOf(fields);
    }
}
