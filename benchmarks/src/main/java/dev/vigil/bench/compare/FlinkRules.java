package dev.vigil.bench.compare;

import dev.vigil.bench.compare.FlinkConditions.Comparison;
import dev.vigil.bench.compare.FlinkConditions.TypeAndValue;
import dev.vigil.bench.compare.FlinkConditions.TypeAndValueAboveEarlier;
import dev.vigil.bench.compare.FlinkConditions.TypeIs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * The workloads in Flink's Pattern API: the calls the differential test's {@code FlinkPatterns} makes for the rule
 * texts of {@link VigilEngine#ruleText}. {@code ->} is {@code followedBy}, juxtaposition {@code next}, {@code -> !b}
 * {@code notFollowedBy}, {@code b+} {@code oneOrMore()} with no inner-contiguity call (a loop follows the operator
 * before it, here relaxed, which is Flink's default for a loop) and not greedy; {@code WITHIN} is
 * {@code within(t)} on the last stage; {@code AFTER MATCH SKIP NO SKIP} is {@code begin(name, noSkip())}, Flink's
 * default, written out.
 */
final class FlinkRules {
    private static final List<String> ABC = List.of("a", "b", "c");

    private FlinkRules() {
    }

    static List<FlinkRule> of(Workload workload) {
        return switch (workload) {
            case W1 -> List.of(new FlinkRule(-1, ABC, abc(false)));
            case W2 -> List.of(new FlinkRule(-1, ABC, abc(true)));
            case W3 -> List.of(new FlinkRule(-1, ABC, begin("a", new TypeIs("A"))
                    .followedBy("b").where(new TypeIs("B")).oneOrMore()
                    .followedBy("c").where(new TypeIs("C"))
                    .within(Duration.ofSeconds(1))));
            case W4, W6 -> fraudMix(FraudMix.of(workload));
            case W5 -> List.of(new FlinkRule(-1, List.of("a"), begin("a", new TypeIs("A"))
                    .notFollowedBy("b").where(new TypeIs("B"))
                    .within(Duration.ofSeconds(5))));
        };
    }

    /** W1 ({@code a -> b -> c}) or, strict, W2 ({@code a b c}); both with {@code b.value > a.value}. */
    private static Pattern<FlinkEvent, FlinkEvent> abc(boolean strict) {
        Pattern<FlinkEvent, FlinkEvent> a = begin("a", new TypeIs("A"));
        Pattern<FlinkEvent, FlinkEvent> b = (strict ? a.next("b") : a.followedBy("b"))
                .where(new TypeAndValueAboveEarlier("B", "a", 0));
        return (strict ? b.next("c") : b.followedBy("c")).where(new TypeIs("C"))
                .within(Duration.ofSeconds(10));
    }

    /** W4 and W6: one pattern per rule of {@link FraudMix}, with the conditions {@code VigilEngine} writes. */
    private static List<FlinkRule> fraudMix(List<FraudMix.Rule> mix) {
        List<FlinkRule> rules = new ArrayList<>();
        for (FraudMix.Rule rule : mix) {
            String first = GeneratedStream.TYPES[rule.first()];
            String second = GeneratedStream.TYPES[rule.second()];
            rules.add(switch (rule.kind()) {
                case SEQUENCE -> new FlinkRule(rule.index(), List.of("x", "y", "z"),
                        begin("x", new TypeAndValue(first, Comparison.AT_LEAST, rule.threshold()))
                                .followedBy("y").where(new TypeIs(second))
                                .followedBy("z")
                                .where(new TypeAndValue(GeneratedStream.TYPES[rule.third()], Comparison.ABOVE, 50))
                                .within(Duration.ofHours(1)));
                case STRICT_PAIR -> new FlinkRule(rule.index(), List.of("p", "q"),
                        begin("p", new TypeIs(first))
                                .next("q").where(new TypeAndValueAboveEarlier(second, "p", rule.threshold()))
                                .within(Duration.ofHours(12)));
                case ABSENCE -> new FlinkRule(rule.index(), List.of("a"),
                        begin("a", new TypeAndValue(first, Comparison.BELOW, rule.threshold()))
                                .notFollowedBy("b").where(new TypeIs(second))
                                .within(Duration.ofSeconds(30)));
            });
        }
        return rules;
    }

    private static Pattern<FlinkEvent, FlinkEvent> begin(String variable, IterativeCondition<FlinkEvent> condition) {
        return Pattern.<FlinkEvent>begin(variable, AfterMatchSkipStrategy.noSkip()).where(condition);
    }
}
