package dev.vigil.cli;

import dev.vigil.connectors.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option as every duration setting is written ({@link Durations}): {@code 5s}, {@code 500ms},
 * {@code 2m}, {@code 1h}, {@code 1d}, {@code "5 SECONDS"}, ISO-8601 {@code PT5S}, or a bare number of milliseconds.
 * Yields milliseconds.
 */
final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        Long ms = Durations.millis(value);
        if (ms == null) {
            throw new TypeConversionException("'" + value + "' is not a duration; write " + Durations.SYNTAX);
        }
        return ms;
    }
}
