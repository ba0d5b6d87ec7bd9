package dev.vigil.connectors;

import java.time.DateTimeException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way every duration setting is written, on the command line, in variables and in configuration files: an
 * amount and a unit as the rule language writes them ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code 1d}, {@code 5 SECONDS}), ISO-8601 ({@code PT5S}, {@code P1D}), or a bare number of milliseconds (what the
 * deprecated {@code *Ms} settings took, so their values keep meaning what they meant). The server's settings, the
 * sinks of its configuration file and the command line's options all read durations here.
 *
 * <p>Stateless.
 */
public final class Durations {
    /** What a duration may look like, for messages: "a duration such as 500ms, 5s, 1m, 1h, 1d or PT5S". */
    public static final String SYNTAX = "a duration such as 500ms, 5s, 1m, 1h, 1d or PT5S (a bare number is "
            + "milliseconds)";

    private static final Pattern AMOUNT_AND_UNIT = Pattern.compile(
            "(\\d+)\\s*(ms|millis|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)?");

    private Durations() {
    }

    /** The milliseconds {@code text} stands for, or null when it is no duration (or more than a long holds). */
    public static Long millis(String text) {
        String written = text.strip().toLowerCase(Locale.ROOT);
        if (written.startsWith("p") || written.startsWith("-p")) {
            try {
                Duration iso = Duration.parse(written.toUpperCase(Locale.ROOT));
                return iso.isNegative() ? null : iso.toMillis();
            } catch (DateTimeException | ArithmeticException notIso) {
                return null;
            }
        }
        Matcher m = AMOUNT_AND_UNIT.matcher(written);
        if (!m.matches()) {
            return null;
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return Math.multiplyExact(amount, millisPer(m.group(2) == null ? "ms" : m.group(2)));
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            return null;
        }
    }

    /** The shortest exact way to write {@code ms}: {@code 7d}, {@code 10s}, {@code 1500ms}; {@code 0} for zero. */
    public static String format(long ms) {
        if (ms == 0) {
            return "0";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private static long millisPer(String unit) {
        if (unit.equals("ms") || unit.startsWith("milli")) {
            return 1L;
        }
        if (unit.equals("m") || unit.startsWith("min")) {
            return 60_000L;
        }
        switch (unit.charAt(0)) {
            case 's':
                return 1_000L;
            case 'h':
                return 3_600_000L;
            default:
                return 86_400_000L;
        }
    }
}
