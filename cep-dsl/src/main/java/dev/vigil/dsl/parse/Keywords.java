package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.CepLexer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keywords of the rule language and whether each may also be used as a name. Reserved keywords start
 * clauses, modify quantifiers or are expression operators, so a name spelt like one must be written in
 * backquotes ({@code `from`}); the others ({@code stream}, {@code first}, {@code seconds}, ...) are plain
 * names wherever a name is expected. Used by the printer to decide when to quote.
 */
public final class Keywords {
    /** Token types the grammar's {@code nonReserved} rule accepts as names (a test keeps them in sync). */
    static final Set<Integer> NON_RESERVED = Set.of(
            CepLexer.STREAM, CepLexer.RULE, CepLexer.EVENT, CepLexer.TIME, CepLexer.WATERMARK, CepLexer.DELAY,
            CepLexer.BY, CepLexer.EVENTS, CepLexer.TIMEOUT, CepLexer.MATCH, CepLexer.SKIP_, CepLexer.NO,
            CepLexer.TO, CepLexer.OPTIONAL, CepLexer.SUPPRESS, CepLexer.FOR, CepLexer.OVER, CepLexer.NEXT, CepLexer.PAST, CepLexer.LAST, CepLexer.FIRST, CepLexer.OF, CepLexer.PREVIOUS,
            CepLexer.MILLISECOND, CepLexer.MILLISECONDS, CepLexer.MS, CepLexer.SECOND, CepLexer.SECONDS,
            CepLexer.MINUTE, CepLexer.MINUTES, CepLexer.HOUR, CepLexer.HOURS, CepLexer.DAY, CepLexer.DAYS);

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");

    /** Upper-case keyword → token type. */
    private static final Map<String, Integer> WORDS = new HashMap<>();

    static {
        for (int type = 1; type <= CepLexer.VOCABULARY.getMaxTokenType(); type++) {
            String literal = CepLexer.VOCABULARY.getLiteralName(type);
            if (literal != null && literal.length() > 2 && Character.isLetter(literal.charAt(1))) {
                WORDS.put(literal.substring(1, literal.length() - 1).toUpperCase(Locale.ROOT), type);
            }
        }
    }

    private Keywords() {}

    /** Whether {@code word} (any case) is a keyword that cannot be used as a name without backquotes. */
    public static boolean isReserved(String word) {
        Integer type = WORDS.get(word.toUpperCase(Locale.ROOT));
        return type != null && !NON_RESERVED.contains(type);
    }

    /** Every keyword, upper-cased. */
    public static Set<String> all() {
        return Set.copyOf(WORDS.keySet());
    }

    /** {@code name} as it must be written in rule text: plain when possible, else in backquotes. */
    public static String quoteIfNeeded(String name) {
        if (PLAIN_NAME.matcher(name).matches() && !isReserved(name)) {
            return name;
        }
        if (name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("name cannot be written in rule text: '" + name + "'");
        }
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * {@code name} as a pattern variable must be written: like {@link #quoteIfNeeded}, except that {@code to},
     * which after a pattern starts the {@code TO} clause, {@code suppress} and {@code for}, which start the
     * {@code SUPPRESS FOR} clause, and {@code optional}, which after a quantifier modifies it, are backquoted too.
     */
    public static String quoteVariableIfNeeded(String name) {
        return name.equalsIgnoreCase("to") || name.equalsIgnoreCase("optional") || name.equalsIgnoreCase("suppress")
                || name.equalsIgnoreCase("for") ? "`" + name + "`" : quoteIfNeeded(name);
    }
}
