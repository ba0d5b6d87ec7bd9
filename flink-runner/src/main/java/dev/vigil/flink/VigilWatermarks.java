package dev.vigil.flink;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.StreamClocks;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Flink watermarks for Vigil events, as Vigil's engine computes them: bounded out-of-orderness per stream, each
 * stream its own delay (its {@code WATERMARK DELAY} declaration, else the rules' default; the largest any rule
 * asks for), watermark = largest timestamp seen minus delay minus one (Flink's
 * {@code BoundedOutOfOrdernessWatermarks} rule); the emitted watermark is the lowest of every stream's, so no event
 * on time for its own stream is late for the job. A stream the rules read that has had no event yet holds event time
 * back; add {@code withIdleness} for sources that go quiet. Timestamps are the events' own.
 */
public final class VigilWatermarks implements WatermarkStrategy<Event> {
    private static final long serialVersionUID = 1L;

    private final LinkedHashMap<String, Long> delaysMs;

    private VigilWatermarks(Map<String, Long> delaysMs) {
        this.delaysMs = new LinkedHashMap<>(delaysMs);
    }

    /** Watermarks for the streams {@code rules} read, with their delays. */
    public static VigilWatermarks of(VigilRules rules) {
        return new VigilWatermarks(rules.streamDelaysMs());
    }

    @Override
    public WatermarkGenerator<Event> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new Generator(new StreamClocks(delaysMs, false));
    }

    @Override
    public TimestampAssigner<Event> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (event, recordTimestamp) -> event.timestamp();
    }

    /** Follows every stream's clock; emits the lowest watermark periodically when it moved. */
    private static final class Generator implements WatermarkGenerator<Event> {
        private final StreamClocks clocks;
        private long emitted = Long.MIN_VALUE;

        Generator(StreamClocks clocks) {
            this.clocks = clocks;
        }

        @Override
        public void onEvent(Event event, long eventTimestamp, WatermarkOutput output) {
            clocks.offer(event);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long watermark = clocks.watermark();
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }
    }
}
