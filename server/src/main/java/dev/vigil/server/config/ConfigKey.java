package dev.vigil.server.config;

import dev.vigil.connectors.Durations;

/**
 * One setting of {@code vigil serve}, as it is named in each place it can be given: the configuration file's key,
 * the environment variable and the command-line flag.
 *
 * @param key the JSON key in the configuration file
 * @param env the environment variable that overrides the file
 * @param flag the command-line flag that overrides the environment
 * @param paramLabel what {@code --help} calls the flag's value ({@code N}, {@code BYTES}, {@code DIR}...)
 * @param kind what values are allowed
 * @param defaultValue the value when no source gives one, as text
 * @param description one sentence for {@code --help} and docs/api.md
 */
public record ConfigKey(String key, String env, String flag, String paramLabel, Kind kind, String defaultValue,
        String description) {
    /** The allowed values of a setting. */
    public enum Kind {
        TEXT("a non-empty string"),
        PORT("an integer in 0..65535"),
        POSITIVE_INT("an integer in 1.." + Integer.MAX_VALUE),
        POSITIVE_LONG("an integer in 1.." + Long.MAX_VALUE),
        NON_NEGATIVE_LONG("an integer in 0.." + Long.MAX_VALUE),
        PERCENT("an integer in 0..100"),
        DURATION(Durations.SYNTAX),
        POSITIVE_DURATION(Durations.SYNTAX + ", above 0"),
        PATH("a path (a string)"),
        LIST("a comma-separated list (in the file, a string or an array of strings)");

        private final String expected;

        Kind(String expected) {
            this.expected = expected;
        }

        /** Whether values are durations ({@link Durations}), read as milliseconds. */
        public boolean duration() {
            return this == DURATION || this == POSITIVE_DURATION;
        }

        /** What a value must be, for error messages: "an integer in 0..65535". */
        public String expected() {
            return expected;
        }
    }
}
