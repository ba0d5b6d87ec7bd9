package dev.vigil.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option as the rule language writes it: {@code 5s}, {@code 500ms}, {@code 2m}, {@code 1h},
 * {@code 1d}, {@code "5 SECONDS"}, or a bare number of milliseconds. Yields milliseconds.
 */
final class DurationConverter implements ITypeConverter<Long> {
    private static final Pattern DURATION = Pattern.compile(
            "(\\d+)\\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)?");

    private static long millisPer(String unit) {
        if (unit.equals("ms") || unit.startsWith("milli")) {
            return 1L;
        }
        if (unit.equals("m") || unit.startsWith("minute")) {
            return 60_000L;
        }
        return switch (unit.charAt(0)) {
            case 's' -> 1_000L;
            case 'h' -> 3_600_000L;
            default -> 86_400_000L;
        };
    }

    @Override
    public Long convert(String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value
                    + "' is not a duration; write e.g. 500ms, 5s, 2m, 1h, 1d or '5 SECONDS'");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return Math.multiplyExact(amount, millisPer(unit));
    }
}
