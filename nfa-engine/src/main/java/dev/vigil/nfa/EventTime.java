package dev.vigil.nfa;

import java.time.Instant;

/**
 * The range of event times the input may carry, and the saturating arithmetic every time computation uses.
 *
 * <p>Accepted event times (timestamps and explicit watermarks, as epoch milliseconds or as ISO-8601 text) are the
 * ISO years 0001 to 9999 in UTC: {@link #MIN_MS} ({@code 0001-01-01T00:00:00Z}) to {@link #MAX_MS}
 * ({@code 9999-12-31T23:59:59.999Z}), both included. Hosts refuse anything else per line, so no accepted time is
 * near the ends of {@code long}: {@link Long#MIN_VALUE} stays "no time yet" and {@link Long#MAX_VALUE} "end of
 * input", and an accepted time plus any window, or minus any delay, cannot wrap around.
 *
 * <p>Windows and delays are durations of up to {@link Long#MAX_VALUE} ms, so sums and differences of times and
 * durations still saturate at the ends of {@code long} instead of wrapping: a deadline beyond the range is "never"
 * ({@link Long#MAX_VALUE}), a watermark below it is "none yet" ({@link Long#MIN_VALUE}). The engine's own API takes
 * any {@code long}, and with saturation it stays consistent for those too.
 */
public final class EventTime {
    /** {@code 0001-01-01T00:00:00Z}, the earliest accepted event time. */
    public static final long MIN_MS = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    /** {@code 9999-12-31T23:59:59.999Z}, the latest accepted event time. */
    public static final long MAX_MS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    /** The accepted range as users read it, for error messages and docs. */
    public static final String RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z (" + MIN_MS + " to "
            + MAX_MS + " ms)";

    private EventTime() {
    }

    /** Whether {@code epochMillis} is an accepted event time. */
    public static boolean accepted(long epochMillis) {
        return epochMillis >= MIN_MS && epochMillis <= MAX_MS;
    }

    /** {@code time + durationMs}, or {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} where it would overflow. */
    public static long plus(long time, long durationMs) {
        long sum = time + durationMs;
        // overflow only when both have the same sign and the sum's sign differs (Hacker's Delight 2-13)
        if (((time ^ sum) & (durationMs ^ sum)) < 0) {
            return time < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /** {@code time - durationMs}, or {@link Long#MIN_VALUE} / {@link Long#MAX_VALUE} where it would overflow. */
    public static long minus(long time, long durationMs) {
        long difference = time - durationMs;
        if (((time ^ durationMs) & (time ^ difference)) < 0) {
            return time < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return difference;
    }

    /**
     * Flink's bounded-out-of-orderness watermark for the largest time seen: {@code maxSeen - delayMs - 1},
     * {@link Long#MIN_VALUE} (no watermark) where that is below the range of {@code long}.
     */
    public static long watermarkAfter(long maxSeen, long delayMs) {
        return minus(minus(maxSeen, delayMs), 1);
    }
}
