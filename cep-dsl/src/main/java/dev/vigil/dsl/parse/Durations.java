package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.CepLexer;
import java.util.Locale;
import org.antlr.v4.runtime.Token;

/** Duration units of the rule language and their length in milliseconds. */
final class Durations {
    static final String UNITS = "MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS";
    static final String UNIT_CHOICES = "MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS";
    static final String COMPACT_UNITS = "ms, s, m, h or d";

    private Durations() {}

    /** Milliseconds per unit for a unit keyword token. */
    static long unitMillis(Token unit) {
        int type = unit.getType();
        if (type == CepLexer.MILLISECOND || type == CepLexer.MILLISECONDS || type == CepLexer.MS) {
            return 1;
        }
        if (type == CepLexer.SECOND || type == CepLexer.SECONDS) {
            return 1_000;
        }
        if (type == CepLexer.MINUTE || type == CepLexer.MINUTES) {
            return 60_000;
        }
        if (type == CepLexer.HOUR || type == CepLexer.HOURS) {
            return 3_600_000;
        }
        if (type == CepLexer.DAY || type == CepLexer.DAYS) {
            return 86_400_000;
        }
        throw new IllegalStateException("token " + unit.getText() + " is not a duration unit");
    }

    /** Milliseconds per compact unit ({@code ms s m h d}), or -1 when {@code suffix} is not one. */
    static long compactUnitMillis(String suffix) {
        switch (suffix.toLowerCase(Locale.ROOT)) {
            case "ms":
                return 1;
            case "s":
                return 1_000;
            case "m":
                return 60_000;
            case "h":
                return 3_600_000;
            case "d":
                return 86_400_000;
            default:
                return -1;
        }
    }

    /** Index of the first letter in a compact duration such as {@code 500ms}. */
    static int unitStart(String compact) {
        int i = 0;
        while (i < compact.length() && Character.isDigit(compact.charAt(i))) {
            i++;
        }
        return i;
    }
}
