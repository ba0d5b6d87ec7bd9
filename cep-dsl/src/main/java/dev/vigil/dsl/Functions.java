package dev.vigil.dsl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalogue of built-in functions of the rule language, the only one: name, number of arguments, what each
 * argument must be and what the result is. The checker validates calls against it; the engine builds each
 * {@link Signature} constant with the semantics below, and its exhaustive {@code switch} over the constants
 * makes a function listed here but not implemented there a compile error.
 *
 * <p>Common rules: names are case-insensitive (the AST holds them upper-cased); every function except
 * {@code COALESCE}, {@code GREATEST} and {@code LEAST} returns null when an argument is null or of the wrong type at run time, and never throws
 * on data. Aggregates ({@link Category#AGGREGATE}) read the events a pattern variable has accepted so far
 * (the whole match inside {@code EMIT}) and take a variable ({@code COUNT(v)}) or a variable's field
 * ({@code SUM(v.amount)}) as their single argument.
 *
 * <p>Semantics the engine must match:
 * <ul>
 *   <li>{@code SUBSTRING(s, start[, len])}: 1-based {@code start}; out-of-range parts are clipped, never an error.
 *   <li>{@code CONCAT}: text of every argument joined; numbers print as Java does ({@code 1}, {@code 1.5}).
 *   <li>{@code REPLACE(s, from, to)}: every literal occurrence of {@code from} (not a regex).
 *   <li>{@code ROUND(x)}: half away from zero to a LONG; {@code ROUND(x, digits)}: to {@code digits} decimals, DOUBLE.
 *   <li>{@code ABS}: keeps the argument's type. {@code FLOOR}, {@code CEIL}: LONG.
 *   <li>{@code SQRT}, {@code POWER}, {@code LN}, {@code LOG10}, {@code EXP}: DOUBLE; a NaN result is null.
 *   <li>{@code GREATEST}, {@code LEAST}: of numbers (DOUBLE if any is DOUBLE) or of strings; nulls are skipped,
 *       null only when every argument is null.
 *   <li>{@code COALESCE(a, b, ...)}: the first non-null argument, else null.
 *   <li>{@code GEO_DISTANCE(lat1, lon1, lat2, lon2)}: great-circle (haversine) distance in kilometres on a
 *       sphere of radius 6371.0088 km; degrees in, DOUBLE out.
 *   <li>{@code COUNT(v)}: LONG, 0 when {@code v} has no events. {@code FIRST}/{@code LAST(v.f)}: the field of
 *       v's first/last event. {@code SUM}: LONG when the field is LONG, else DOUBLE; nulls are skipped.
 *       {@code AVG}: DOUBLE. {@code MIN}/{@code MAX}: of numbers or strings; nulls skipped; null when v has
 *       no (non-null) values.
 * </ul>
 */
public final class Functions {

    /** Marks a variadic {@link Signature#maxArgs()}. */
    public static final int VARIADIC = -1;

    /** Grouping used by the documentation and by error messages. */
    public enum Category {
        STRING,
        MATH,
        GENERAL,
        GEO,
        AGGREGATE
    }

    /** What an argument must be. */
    public enum Param {
        /** A STRING value. */
        STRING,
        /** A number: LONG or DOUBLE (TIMESTAMP and durations count as LONG milliseconds). */
        NUMBER,
        /** Any value. */
        ANY,
        /** A pattern variable written bare: {@code COUNT(v)}. */
        VARIABLE,
        /** A pattern variable's field: {@code SUM(v.amount)}. */
        VARIABLE_FIELD
    }

    /** How the result type follows from the arguments. */
    public enum Result {
        STRING,
        LONG,
        DOUBLE,
        BOOLEAN,
        /** The first argument's type ({@code ABS}, {@code ROUND}). */
        SAME_AS_FIRST,
        /** The common type of all arguments: DOUBLE when LONG and DOUBLE mix ({@code GREATEST}, {@code COALESCE}). */
        COMMON,
        /** The type of the variable's field ({@code FIRST}, {@code LAST}, {@code MIN}, {@code MAX}). */
        FIELD,
        /** LONG for a LONG field, else DOUBLE ({@code SUM}). */
        SUM
    }

    /**
     * One function: the catalogue's entries are this enum's constants, in documentation order. The engine maps
     * each constant to its implementation with a {@code switch} that names every constant, so a function added
     * here without an implementation there does not compile.
     */
    public enum Signature {
        LOWER(Category.STRING, List.of(Param.STRING), 1, 1, Result.STRING, "LOWER(s)", "s in lower case"),
        UPPER(Category.STRING, List.of(Param.STRING), 1, 1, Result.STRING, "UPPER(s)", "s in upper case"),
        LENGTH(Category.STRING, List.of(Param.STRING), 1, 1, Result.LONG, "LENGTH(s)", "number of characters of s"),
        TRIM(Category.STRING, List.of(Param.STRING), 1, 1, Result.STRING, "TRIM(s)",
                "s without leading and trailing white space"),
        SUBSTRING(Category.STRING, List.of(Param.STRING, Param.NUMBER, Param.NUMBER), 2, 3, Result.STRING,
                "SUBSTRING(s, start[, len])", "len characters of s from position start (1-based); to the end without len"),
        CONCAT(Category.STRING, List.of(Param.ANY), 2, VARIADIC, Result.STRING, "CONCAT(a, b, ...)",
                "the text of all arguments joined"),
        STARTS_WITH(Category.STRING, List.of(Param.STRING, Param.STRING), 2, 2, Result.BOOLEAN, "STARTS_WITH(s, p)",
                "whether s begins with p"),
        ENDS_WITH(Category.STRING, List.of(Param.STRING, Param.STRING), 2, 2, Result.BOOLEAN, "ENDS_WITH(s, p)",
                "whether s ends with p"),
        CONTAINS(Category.STRING, List.of(Param.STRING, Param.STRING), 2, 2, Result.BOOLEAN, "CONTAINS(s, p)",
                "whether p occurs in s"),
        REPLACE(Category.STRING, List.of(Param.STRING, Param.STRING, Param.STRING), 3, 3, Result.STRING,
                "REPLACE(s, from, to)", "s with every occurrence of the text from replaced by to"),
        ABS(Category.MATH, List.of(Param.NUMBER), 1, 1, Result.SAME_AS_FIRST, "ABS(x)", "absolute value of x"),
        ROUND(Category.MATH, List.of(Param.NUMBER, Param.NUMBER), 1, 2, Result.SAME_AS_FIRST, "ROUND(x[, digits])",
                "x rounded half away from zero to digits decimals (default 0)"),
        FLOOR(Category.MATH, List.of(Param.NUMBER), 1, 1, Result.LONG, "FLOOR(x)",
                "largest whole number not above x"),
        CEIL(Category.MATH, List.of(Param.NUMBER), 1, 1, Result.LONG, "CEIL(x)",
                "smallest whole number not below x"),
        SQRT(Category.MATH, List.of(Param.NUMBER), 1, 1, Result.DOUBLE, "SQRT(x)", "square root of x"),
        POWER(Category.MATH, List.of(Param.NUMBER, Param.NUMBER), 2, 2, Result.DOUBLE, "POWER(x, y)",
                "x raised to the power y"),
        LN(Category.MATH, List.of(Param.NUMBER), 1, 1, Result.DOUBLE, "LN(x)", "natural logarithm of x"),
        LOG10(Category.MATH, List.of(Param.NUMBER), 1, 1, Result.DOUBLE, "LOG10(x)", "base-10 logarithm of x"),
        EXP(Category.MATH, List.of(Param.NUMBER), 1, 1, Result.DOUBLE, "EXP(x)", "e raised to the power x"),
        GREATEST(Category.MATH, List.of(Param.ANY), 2, VARIADIC, Result.COMMON, "GREATEST(a, b, ...)",
                "the largest argument"),
        LEAST(Category.MATH, List.of(Param.ANY), 2, VARIADIC, Result.COMMON, "LEAST(a, b, ...)",
                "the smallest argument"),
        COALESCE(Category.GENERAL, List.of(Param.ANY), 2, VARIADIC, Result.COMMON, "COALESCE(a, b, ...)",
                "the first argument that is not null"),
        GEO_DISTANCE(Category.GEO, List.of(Param.NUMBER, Param.NUMBER, Param.NUMBER, Param.NUMBER), 4, 4,
                Result.DOUBLE, "GEO_DISTANCE(lat1, lon1, lat2, lon2)", "great-circle distance in kilometres"),
        COUNT(Category.AGGREGATE, List.of(Param.VARIABLE), 1, 1, Result.LONG, "COUNT(v)",
                "number of events v has accepted"),
        FIRST(Category.AGGREGATE, List.of(Param.VARIABLE_FIELD), 1, 1, Result.FIELD, "FIRST(v.f)",
                "field f of v's first event"),
        LAST(Category.AGGREGATE, List.of(Param.VARIABLE_FIELD), 1, 1, Result.FIELD, "LAST(v.f)",
                "field f of v's last event (same as v.f)"),
        SUM(Category.AGGREGATE, List.of(Param.VARIABLE_FIELD), 1, 1, Result.SUM, "SUM(v.f)",
                "sum of field f over v's events"),
        AVG(Category.AGGREGATE, List.of(Param.VARIABLE_FIELD), 1, 1, Result.DOUBLE, "AVG(v.f)",
                "average of field f over v's events"),
        MIN(Category.AGGREGATE, List.of(Param.VARIABLE_FIELD), 1, 1, Result.FIELD, "MIN(v.f)",
                "smallest value of field f over v's events"),
        MAX(Category.AGGREGATE, List.of(Param.VARIABLE_FIELD), 1, 1, Result.FIELD, "MAX(v.f)",
                "largest value of field f over v's events");

        private final Category category;
        private final List<Param> params;
        private final int minArgs;
        private final int maxArgs;
        private final Result result;
        private final String usage;
        private final String summary;

        /**
         * @param params the parameters in order; for a variadic function the last one repeats
         * @param minArgs fewest arguments accepted
         * @param maxArgs most arguments accepted, or {@link #VARIADIC}
         * @param usage how the documentation writes a call, e.g. {@code SUBSTRING(s, start[, len])}
         * @param summary one sentence for the documentation
         */
        Signature(Category category, List<Param> params, int minArgs, int maxArgs, Result result, String usage,
                String summary) {
            if (params.isEmpty() || minArgs < 1 || (maxArgs != VARIADIC && maxArgs < minArgs)
                    || (category == Category.AGGREGATE) != (params.get(0) == Param.VARIABLE
                            || params.get(0) == Param.VARIABLE_FIELD)) {
                throw new IllegalArgumentException("bad signature for " + name());
            }
            this.category = category;
            this.params = params;
            this.minArgs = minArgs;
            this.maxArgs = maxArgs;
            this.result = result;
            this.usage = usage;
            this.summary = summary;
        }

        public Category category() {
            return category;
        }

        /** The parameters in order; for a variadic function the last one repeats. */
        public List<Param> params() {
            return params;
        }

        /** Fewest arguments accepted. */
        public int minArgs() {
            return minArgs;
        }

        /** Most arguments accepted, or {@link #VARIADIC}. */
        public int maxArgs() {
            return maxArgs;
        }

        public Result result() {
            return result;
        }

        /** How the documentation writes a call, e.g. {@code SUBSTRING(s, start[, len])}. */
        public String usage() {
            return usage;
        }

        /** One sentence for the documentation. */
        public String summary() {
            return summary;
        }

        /** The parameter the {@code index}-th (0-based) argument must satisfy. */
        public Param param(int index) {
            return params.get(Math.min(index, params.size() - 1));
        }

        public boolean accepts(int argumentCount) {
            return argumentCount >= minArgs && (maxArgs == VARIADIC || argumentCount <= maxArgs);
        }

        public boolean isAggregate() {
            return category == Category.AGGREGATE;
        }

        /** "1 argument", "2 or 3 arguments", "at least 2 arguments". */
        public String arityText() {
            if (maxArgs == VARIADIC) {
                return "at least " + minArgs + " arguments";
            }
            if (minArgs == maxArgs) {
                return minArgs + (minArgs == 1 ? " argument" : " arguments");
            }
            if (maxArgs == minArgs + 1) {
                return minArgs + " or " + maxArgs + " arguments";
            }
            return minArgs + " to " + maxArgs + " arguments";
        }
    }

    private static final Map<String, Signature> BY_NAME = new LinkedHashMap<>();

    static {
        for (Signature signature : Signature.values()) {
            BY_NAME.put(signature.name(), signature);
        }
    }

    private Functions() {}

    /** The function called {@code name} (any case), or {@code null} when there is none. */
    public static Signature lookup(String name) {
        return BY_NAME.get(name.toUpperCase(Locale.ROOT));
    }

    /** Every function, in documentation order. */
    public static List<Signature> all() {
        return List.of(Signature.values());
    }

    /** Upper-case names of every function, in documentation order. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
