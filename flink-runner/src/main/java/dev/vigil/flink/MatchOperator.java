package dev.vigil.flink;

import dev.vigil.nfa.Event;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/*
 * Why the two operators reading events and rule changes (this one and FanOutOperator) have operators of their own
 * rather than Flink's broadcast-state operators: Flink gives a two-input operator the lower of its inputs'
 * watermarks. The rules stream carries a watermark of +inf (RuleChanges.watermarks), but until that watermark has
 * reached a task its input stands at Long.MIN_VALUE, so at start nothing was late, no timer fired and no watermark
 * went downstream for as long as the rules source took to emit its first watermark (a periodic emit, 200 ms by
 * default): whether an early event was late depended on a race with the rules source, and a rules stream of the
 * user's without watermarks held event time back for ever.
 *
 * Here event time is the events' alone (input 1): their watermark decides lateness, fires the timers and goes
 * downstream as it comes (processWatermark1 hands it to the one-input path), and the rules stream's watermark,
 * whatever it is and whenever it comes, is ignored, and so is the combined watermark Flink's status handling computes
 * (processWatermark, which it calls, does nothing). The
 * rules stream carries no event time: a rule change is applied between two events when it arrives, whatever its
 * timestamp. Watermark statuses follow the events too: Flink's (final) status handling forwards IDLE only when every
 * input is idle, so the rules input is marked idle at the start and again after each of its records and watermarks
 * (a rules source that went idle and active again); an events input gone idle is then forwarded as idle, and the
 * keyed operator downstream does not wait for it. Simpler alternatives fall short: leaving the broadcast input out
 * when there is no rules stream leaves the race wherever there is one, and waiting for the rules stream's first
 * watermark before processing events would hold events back for a source that may never send one.
 */

/**
 * The keyed operator of {@link MatchFunction}: Flink's keyed broadcast operator, with event time the events' watermark
 * alone (see the design comment above).
 */
final class MatchOperator extends CoBroadcastWithKeyedOperator<Tuple2<String, String>,
        Tuple4<String, String, Long, Event>, Tuple2<String, String>, String> implements BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    private final boolean processingTime;

    MatchOperator(VigilRules rules) {
        super(new MatchFunction(rules), List.of(LiveRules.STATE, LiveRules.GENERATION));
        this.processingTime = rules.processingTime();
    }

    /**
     * The end of the events (input 1): in processing time, every key's deadlines come now, as in {@code vigil run
     * --time processing} (Flink would drop the pending processing-time timers); in event time the watermark of +inf
     * that ends the input has fired them.
     */
    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId != 1 || !processingTime) {
            return;
        }
        MatchFunction function = (MatchFunction) userFunction;
        KeyedStateBackend<Tuple2<String, String>> keys = getKeyedStateBackend();
        keys.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, MatchFunction.KEY,
                (key, keyMatches) -> function.endOfEvents(key, keyMatches,
                        json -> output.collect(new StreamRecord<>(json)),
                        json -> output.collect(VigilCep.TIMEOUTS, new StreamRecord<>(json))));
    }

    @Override
    public void open() throws Exception {
        super.open();
        ((MatchFunction) userFunction).keepDecoded(getKeyedStateBackend() instanceof HeapKeyedStateBackend);
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
