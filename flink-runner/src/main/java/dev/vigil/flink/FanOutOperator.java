package dev.vigil.flink;

import dev.vigil.nfa.Event;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The operator of {@link DynamicKeyFunction}: Flink's broadcast operator, with event time the events' watermark
 * alone, as {@link MatchOperator} (whose design comment says why).
 */
final class FanOutOperator extends CoBroadcastWithNonKeyedOperator<Event, Tuple2<String, String>,
        Tuple4<String, String, Long, Event>> {
    private static final long serialVersionUID = 1L;

    FanOutOperator(VigilRules rules) {
        super(new DynamicKeyFunction(rules), List.of(LiveRules.STATE, LiveRules.GENERATION));
    }

    @Override
    public void open() throws Exception {
        super.open();
        processWatermarkStatus2(WatermarkStatus.IDLE);
    }

    /** The events' watermark: lateness, timers and the watermark forwarded downstream follow it alone. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        super.processWatermark(mark);
    }

    /** The lower of the two inputs' watermarks, which Flink's (final) status handling passes on: ignored. */
    @Override
    public void processWatermark(Watermark mark) {
    }

    @Override
    public void processWatermark2(Watermark mark) throws Exception {
        processWatermarkStatus2(WatermarkStatus.IDLE);
    }

    @Override
    public void processElement2(StreamRecord<Tuple2<String, String>> change) throws Exception {
        super.processElement2(change);
        processWatermarkStatus2(WatermarkStatus.IDLE);
    }
}
