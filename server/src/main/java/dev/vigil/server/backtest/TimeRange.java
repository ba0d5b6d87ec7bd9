package dev.vigil.server.backtest;

import dev.vigil.nfa.EventDecoder;

/**
 * The event time a backtest replays: events with {@code fromMs <= timestamp < toMs}. Either end may be open
 * ({@link Long#MIN_VALUE}, {@link Long#MAX_VALUE}); watermarks are never cut, so a match that starts in the range
 * completes or times out as it did live.
 */
public record TimeRange(long fromMs, long toMs) {
    /** Every recorded event. */
    public static final TimeRange ALL = new TimeRange(Long.MIN_VALUE, Long.MAX_VALUE);

    public TimeRange {
        if (fromMs >= toMs) {
            throw new IllegalArgumentException("the range [" + fromMs + ", " + toMs + ") is empty");
        }
    }

    boolean contains(long timestampMs) {
        return timestampMs >= fromMs && timestampMs < toMs;
    }

    public boolean hasFrom() {
        return fromMs != Long.MIN_VALUE;
    }

    public boolean hasTo() {
        return toMs != Long.MAX_VALUE;
    }

    /**
     * An end of a range as a user writes it, read as event timestamps are: epoch milliseconds (a number, or text
     * of digits) or ISO-8601 text; null when it is neither.
     */
    public static Long instant(Object value) {
        if (value instanceof String text && !text.isEmpty()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException notANumber) {
                return EventDecoder.toEpochMillis(text);
            }
        }
        return EventDecoder.toEpochMillis(value);
    }

    @Override
    public String toString() {
        return "[" + (hasFrom() ? String.valueOf(fromMs) : "-inf") + ", " + (hasTo() ? String.valueOf(toMs) : "+inf")
                + ")";
    }
}
