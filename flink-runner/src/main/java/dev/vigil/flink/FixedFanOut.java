package dev.vigil.flink;

import dev.vigil.nfa.Event;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The fan-out of a job without a rules stream ({@link VigilCep#process(org.apache.flink.streaming.api.datastream
 * .DataStream, VigilRules)}): {@link DynamicKeyFunction} on one input, as a process function, which Flink chains to
 * the events' operator (1.20 and 2.x alike), so that events reach it without being serialized (a two-input operator
 * is never chained: {@link FanOutOperator} gets them through the network stack). It runs the rules a savepoint's
 * broadcast state holds, if any, as the keyed operator does; nothing changes them.
 */
final class FixedFanOut extends ProcessFunction<Event, Tuple4<String, String, Long, Event>>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final DynamicKeyFunction keys;

    FixedFanOut(VigilRules rules) {
        this.keys = new DynamicKeyFunction(rules);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        keys.initializeState(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        keys.snapshotState(context);
    }

    @Override
    public void open(OpenContext context) {
        keys.setRuntimeContext(getRuntimeContext());
        keys.open(context);
    }

    @Override
    public void processElement(Event event, Context context, Collector<Tuple4<String, String, Long, Event>> out) {
        String lateLine = keys.route(event, context.timerService().currentWatermark(), out);
        if (lateLine != null) {
            context.output(VigilCep.LATE, lateLine);
        }
    }
}
