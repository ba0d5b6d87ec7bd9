package dev.vigil.nfa.expr;

import dev.vigil.dsl.Functions;
import dev.vigil.dsl.Functions.Signature;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the engine builds each function of the rule language's one catalogue, {@link Functions.Signature}: the
 * catalogue says what a function is called, which arguments it takes and what it returns; this class says
 * which node computes it.
 *
 * <p>{@link #implementation} is a {@code switch} expression naming every constant of the catalogue without a
 * {@code default}, so a function added to the language and not implemented here does not compile. At class
 * load every implementation is checked to be of the catalogue's kind (an aggregate for
 * {@link Functions.Category#AGGREGATE}, a scalar otherwise), and a mismatch fails naming the function.
 *
 * <p>A scalar is built from its compiled argument nodes, the number of which the catalogue's arity has already
 * allowed; an aggregate from the pattern variable (and field) its argument names, which the
 * {@link ExpressionCompiler} resolves.
 */
final class FunctionNodes {

    /** How a function's node is built: a scalar from its arguments, an aggregate from a variable's field. */
    sealed interface Builder permits ScalarBuilder, AggregateBuilder {}

    /** Builds a scalar call from its compiled arguments. */
    @FunctionalInterface
    non-sealed interface ScalarBuilder extends Builder {
        Node build(Node[] args);
    }

    /** Builds an aggregate over variable {@code variable}'s events; {@code field} is null for {@code COUNT(v)}. */
    @FunctionalInterface
    non-sealed interface AggregateBuilder extends Builder {
        Node build(int variable, String variableName, FieldAccess field);
    }

    private static final Map<Signature, Builder> BUILDERS = builders();

    private FunctionNodes() {}

    /** How {@code function}'s node is built. */
    static Builder of(Signature function) {
        return BUILDERS.get(function);
    }

    /** The arity as the compiler's messages print it: "1", "2..3", "2.." (variadic). */
    static String arity(Signature function) {
        if (function.minArgs() == function.maxArgs()) {
            return String.valueOf(function.minArgs());
        }
        return function.minArgs() + ".." + (function.maxArgs() == Functions.VARIADIC ? "" : function.maxArgs());
    }

    private static Map<Signature, Builder> builders() {
        Map<Signature, Builder> builders = new EnumMap<>(Signature.class);
        for (Signature function : Signature.values()) {
            Builder builder = implementation(function);
            if ((builder instanceof AggregateBuilder) != function.isAggregate()) {
                throw new IllegalStateException(function + " is " + (function.isAggregate() ? "" : "not ")
                        + "an aggregate in the catalogue but implemented as " + (function.isAggregate() ? "a scalar"
                        : "an aggregate"));
            }
            builders.put(function, builder);
        }
        return builders;
    }

    private static Builder implementation(Signature function) {
        return switch (function) {
            case LOWER -> scalar(a -> new Calls.Apply1("LOWER", StringFunctions::lower, a[0]));
            case UPPER -> scalar(a -> new Calls.Apply1("UPPER", StringFunctions::upper, a[0]));
            case LENGTH -> scalar(a -> new Calls.Apply1("LENGTH", StringFunctions::length, a[0]));
            case TRIM -> scalar(a -> new Calls.Apply1("TRIM", StringFunctions::trim, a[0]));
            case SUBSTRING -> scalar(a -> a.length == 2
                    ? new Calls.Apply2("SUBSTRING", StringFunctions::substring, a[0], a[1])
                    : new Calls.Apply3("SUBSTRING", StringFunctions::substring, a[0], a[1], a[2]));
            case CONCAT -> scalar(Calls.Concat::new);
            case STARTS_WITH -> scalar(a -> new Calls.Apply2("STARTS_WITH", StringFunctions::startsWith, a[0], a[1]));
            case ENDS_WITH -> scalar(a -> new Calls.Apply2("ENDS_WITH", StringFunctions::endsWith, a[0], a[1]));
            case CONTAINS -> scalar(a -> new Calls.Apply2("CONTAINS", StringFunctions::contains, a[0], a[1]));
            case REPLACE -> scalar(a -> new Calls.Apply3("REPLACE", StringFunctions::replace, a[0], a[1], a[2]));
            case ABS -> scalar(a -> new Calls.Apply1("ABS", MathFunctions::abs, a[0]));
            case ROUND -> scalar(a -> a.length == 1
                    ? new Calls.Apply1("ROUND", MathFunctions::round, a[0])
                    : new Calls.Apply2("ROUND", MathFunctions::round, a[0], a[1]));
            case FLOOR -> scalar(a -> new Calls.Apply1("FLOOR", MathFunctions::floor, a[0]));
            case CEIL -> scalar(a -> new Calls.Apply1("CEIL", MathFunctions::ceil, a[0]));
            case SQRT -> scalar(a -> new Calls.Apply1("SQRT", MathFunctions::sqrt, a[0]));
            case POWER -> scalar(a -> new Calls.Apply2("POWER", MathFunctions::power, a[0], a[1]));
            case LN -> scalar(a -> new Calls.Apply1("LN", MathFunctions::ln, a[0]));
            case LOG10 -> scalar(a -> new Calls.Apply1("LOG10", MathFunctions::log10, a[0]));
            case EXP -> scalar(a -> new Calls.Apply1("EXP", MathFunctions::exp, a[0]));
            case GREATEST -> scalar(Calls.Extreme::greatest);
            case LEAST -> scalar(Calls.Extreme::least);
            case COALESCE -> scalar(Calls.Coalesce::new);
            case GEO_DISTANCE -> scalar(
                    a -> new Calls.Apply4("GEO_DISTANCE", MathFunctions::geoDistance, a[0], a[1], a[2], a[3]));
            case COUNT -> aggregate(Aggregates.Count::new);
            case FIRST -> aggregate(Aggregates.First::new);
            case LAST -> aggregate(Aggregates.Last::new);
            case SUM -> aggregate(Aggregates.Sum::new);
            case AVG -> aggregate(Aggregates.Avg::new);
            case MIN -> aggregate(Aggregates.Extreme::min);
            case MAX -> aggregate(Aggregates.Extreme::max);
        };
    }

    private static Builder scalar(ScalarBuilder builder) {
        return builder;
    }

    private static Builder aggregate(AggregateBuilder builder) {
        return builder;
    }
}
