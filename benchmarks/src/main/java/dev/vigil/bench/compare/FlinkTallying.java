package dev.vigil.bench.compare;

import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The process function of one rule's pattern: tallies each match into {@link FlinkPass} and outputs nothing. Its
 * close, after the end of input has flushed every window, is when its rule's last match is out.
 */
final class FlinkTallying extends PatternProcessFunction<FlinkEvent, Void> {
    private static final long serialVersionUID = 1L;
    // Not the FlinkRule: a Pattern is not serialisable, and this function is.
    private final int ruleIndex;
    private final String[] variables;

    FlinkTallying(FlinkRule rule) {
        this.ruleIndex = rule.index();
        this.variables = rule.variables().toArray(new String[0]);
    }

    @Override
    public void processMatch(Map<String, List<FlinkEvent>> match, Context ctx, Collector<Void> out) {
        FlinkPass.match(ruleIndex, variables, match);
    }

    @Override
    public void close() throws Exception {
        FlinkPass.closed();
        super.close();
    }
}
