package dev.vigil.flink;

import dev.vigil.nfa.Event;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The fan-out of a job without a rules stream ({@link VigilCep#process(org.apache.flink.streaming.api.datastream
 * .DataStream, VigilRules)}): {@link DynamicKeyFunction} on one input, chained to the events' operator, so that
 * events reach it without being serialized (a two-input operator is never chained: {@link FanOutOperator} gets them
 * through the network stack). It runs the rules a savepoint's broadcast state holds, if any, as the keyed operator
 * does; nothing changes them.
 */
final class FixedFanOutOperator extends AbstractUdfStreamOperator<Tuple4<String, String, Long, Event>,
        DynamicKeyFunction> implements OneInputStreamOperator<Event, Tuple4<String, String, Long, Event>> {
    private static final long serialVersionUID = 1L;

    private transient TimestampedCollector<Tuple4<String, String, Long, Event>> collector;
    private transient long watermark;

    FixedFanOutOperator(VigilRules rules) {
        super(new DynamicKeyFunction(rules));
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        collector = new TimestampedCollector<>(output);
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void processElement(StreamRecord<Event> element) {
        collector.setTimestamp(element);
        String lateLine = userFunction.route(element.getValue(), watermark, collector);
        if (lateLine != null) {
            output.collect(VigilCep.LATE, new StreamRecord<>(lateLine, element.getTimestamp()));
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }
}
