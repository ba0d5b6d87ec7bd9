package dev.vigil.bench.compare;

import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/**
 * One rule of a workload as a Flink pattern, with what a match of it adds to the {@link MatchTally}.
 *
 * @param index the rule's {@link FraudMix.Rule#index()}, tallied before the events; -1 outside W4
 * @param variables the pattern's non-negated variables in stage order: the order a match's events are tallied in
 */
record FlinkRule(int index, List<String> variables, Pattern<FlinkEvent, ?> pattern) {
    FlinkRule {
        variables = List.copyOf(variables);
    }
}
