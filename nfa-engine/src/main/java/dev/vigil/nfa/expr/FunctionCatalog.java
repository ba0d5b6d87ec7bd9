package dev.vigil.nfa.expr;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The built-in functions the engine implements: name, arity range, and how a call is built.
 *
 * <p>The rule language checks calls against its own list ({@code dev.vigil.dsl.Functions}); the two
 * lists must name the same functions with the same arities, which {@code FunctionCatalogTest} pins.
 * Aggregates ({@code COUNT FIRST LAST SUM AVG MIN MAX}) take one argument naming a pattern variable
 * ({@code v} or {@code v.field}) and are built by the {@link ExpressionCompiler}, which resolves it.
 */
final class FunctionCatalog {
    /** maxArity of the variadic functions. */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    /** Builds the node of a scalar call from its compiled arguments (arity already checked). */
    interface Builder {
        Node build(Node[] args);
    }

    /** One function; {@code builder} is null for the aggregates. */
    record Function(String name, int minArity, int maxArity, Builder builder) {
        boolean isAggregate() {
            return builder == null;
        }

        boolean accepts(int arity) {
            return arity >= minArity && arity <= maxArity;
        }

        String arity() {
            if (minArity == maxArity) {
                return String.valueOf(minArity);
            }
            return minArity + ".." + (maxArity == UNBOUNDED ? "" : String.valueOf(maxArity));
        }
    }

    private static final Map<String, Function> FUNCTIONS = catalogue();

    private FunctionCatalog() {}

    /** The function called {@code name} (upper case), or null. */
    static Function lookup(String name) {
        return FUNCTIONS.get(name);
    }

    /** Every name, in catalogue order: scalars, then aggregates. */
    static Set<String> names() {
        return Collections.unmodifiableSet(FUNCTIONS.keySet());
    }

    private static Map<String, Function> catalogue() {
        Map<String, Function> all = new LinkedHashMap<>();
        scalar(all, "LOWER", 1, 1, a -> new Calls.Apply1("LOWER", StringFunctions::lower, a[0]));
        scalar(all, "UPPER", 1, 1, a -> new Calls.Apply1("UPPER", StringFunctions::upper, a[0]));
        scalar(all, "LENGTH", 1, 1, a -> new Calls.Apply1("LENGTH", StringFunctions::length, a[0]));
        scalar(all, "TRIM", 1, 1, a -> new Calls.Apply1("TRIM", StringFunctions::trim, a[0]));
        scalar(all, "SUBSTRING", 2, 3, a -> a.length == 2
                ? new Calls.Apply2("SUBSTRING", StringFunctions::substring, a[0], a[1])
                : new Calls.Apply3("SUBSTRING", StringFunctions::substring, a[0], a[1], a[2]));
        scalar(all, "CONCAT", 2, UNBOUNDED, Calls.Concat::new);
        scalar(all, "STARTS_WITH", 2, 2, a -> new Calls.Apply2("STARTS_WITH", StringFunctions::startsWith, a[0], a[1]));
        scalar(all, "ENDS_WITH", 2, 2, a -> new Calls.Apply2("ENDS_WITH", StringFunctions::endsWith, a[0], a[1]));
        scalar(all, "CONTAINS", 2, 2, a -> new Calls.Apply2("CONTAINS", StringFunctions::contains, a[0], a[1]));
        scalar(all, "REPLACE", 3, 3, a -> new Calls.Apply3("REPLACE", StringFunctions::replace, a[0], a[1], a[2]));
        scalar(all, "ABS", 1, 1, a -> new Calls.Apply1("ABS", MathFunctions::abs, a[0]));
        scalar(all, "ROUND", 1, 2, a -> a.length == 1
                ? new Calls.Apply1("ROUND", MathFunctions::round, a[0])
                : new Calls.Apply2("ROUND", MathFunctions::round, a[0], a[1]));
        scalar(all, "FLOOR", 1, 1, a -> new Calls.Apply1("FLOOR", MathFunctions::floor, a[0]));
        scalar(all, "CEIL", 1, 1, a -> new Calls.Apply1("CEIL", MathFunctions::ceil, a[0]));
        scalar(all, "SQRT", 1, 1, a -> new Calls.Apply1("SQRT", MathFunctions::sqrt, a[0]));
        scalar(all, "POWER", 2, 2, a -> new Calls.Apply2("POWER", MathFunctions::power, a[0], a[1]));
        scalar(all, "LN", 1, 1, a -> new Calls.Apply1("LN", MathFunctions::ln, a[0]));
        scalar(all, "LOG10", 1, 1, a -> new Calls.Apply1("LOG10", MathFunctions::log10, a[0]));
        scalar(all, "EXP", 1, 1, a -> new Calls.Apply1("EXP", MathFunctions::exp, a[0]));
        scalar(all, "GREATEST", 2, UNBOUNDED, Calls.Extreme::greatest);
        scalar(all, "LEAST", 2, UNBOUNDED, Calls.Extreme::least);
        scalar(all, "COALESCE", 2, UNBOUNDED, Calls.Coalesce::new);
        scalar(all, "GEO_DISTANCE", 4, 4,
                a -> new Calls.Apply4("GEO_DISTANCE", MathFunctions::geoDistance, a[0], a[1], a[2], a[3]));
        for (String aggregate : new String[] {"COUNT", "FIRST", "LAST", "SUM", "AVG", "MIN", "MAX"}) {
            all.put(aggregate, new Function(aggregate, 1, 1, null));
        }
        return all;
    }

    private static void scalar(Map<String, Function> all, String name, int minArity, int maxArity, Builder builder) {
        all.put(name, new Function(name, minArity, maxArity, builder));
    }
}
