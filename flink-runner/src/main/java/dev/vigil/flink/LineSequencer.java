package dev.vigil.flink;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.Offer;
import dev.vigil.nfa.StreamClocks;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns the lines of one NDJSON file into events exactly as {@code vigil run} does, at parallelism 1 before the
 * fan-out: numbers every line from 1 (the event's sequence and identity, so alert ids are {@code vigil run}'s
 * whatever the job's parallelism), decodes it against the rules' stream declarations, applies explicit watermark
 * lines and decides lateness with the engine's own per-stream clocks ({@link StreamClocks}). On-time events go on;
 * late events go to {@link VigilCep#LATE} as {@code vigil run --late} writes them; malformed and too long lines
 * ({@link NdjsonLines}) go to {@link #PROBLEMS} as {@code vigil run} reports them
 * ({@code line N: reason (line skipped)}).
 *
 * <p>In processing time ({@link VigilRules#withTimeMode}) nothing is late and watermark lines mean nothing, as in
 * {@code vigil run --time processing}: an event needs no timestamp, and one without is stamped with the wall clock
 * as it is read.
 *
 * <p>The line count and the clocks are operator state: a job restored from a checkpoint goes on numbering and
 * deciding lateness where the checkpoint left off (the file source restores its position with it).
 */
public final class LineSequencer extends ProcessFunction<Tuple2<String, Boolean>, Event>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Malformed lines, one sentence each with the line number. */
    public static final OutputTag<String> PROBLEMS = new OutputTag<>("vigil-problems", Types.STRING);

    private final VigilRules rules;
    /** How a line longer than the input's bound is reported ({@link NdjsonLines}). */
    private final String tooLong;
    private transient boolean processingTime;
    private transient EventDecoder decoder;
    private transient StreamClocks clocks;
    /** The streams the rules read: those with a clock. */
    private transient List<String> streams;
    private transient long line;
    private transient ListState<Long> lineState;
    /** Per stream: its largest on-time timestamp and its watermark. */
    private transient ListState<Tuple3<String, Long, Long>> clockState;

    /** @param tooLong how a line the input found too long is reported */
    public LineSequencer(VigilRules rules, String tooLong) {
        this.rules = rules;
        this.tooLong = tooLong;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        lineState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("vigil-line", Types.LONG));
        clockState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("vigil-clocks",
                Types.TUPLE(Types.STRING, Types.LONG, Types.LONG)));
        VigilRules.Compiled compiled = rules.compile();
        processingTime = rules.processingTime();
        decoder = compiled.decoder(!processingTime);
        clocks = StreamClocks.of(compiled.rules(), rules.engineConfig());
        streams = List.copyOf(rules.streamDelaysMs().keySet());
        line = 0;
        if (context.isRestored()) {
            for (Long restored : lineState.get()) {
                line = restored;
            }
            for (Tuple3<String, Long, Long> clock : clockState.get()) {
                clocks.restore(clock.f0, clock.f1, clock.f2);
            }
        }
    }

    @Override
    public void open(OpenContext context) {
        if (getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("the lines of a file are numbered at parallelism 1, not "
                    + getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        lineState.update(List.of(line));
        List<Tuple3<String, Long, Long>> saved = new ArrayList<>();
        for (String stream : streams) {
            saved.add(Tuple3.of(stream, clocks.maxSeen(stream), clocks.watermark(stream)));
        }
        clockState.update(saved);
    }

    @Override
    public void processElement(Tuple2<String, Boolean> text, Context context, Collector<Event> out) {
        line++;
        if (text.f1) {
            context.output(PROBLEMS, "line " + line + ": " + tooLong + " (line skipped)");
            return;
        }
        InputLine parsed = InputLine.parse(text.f0, line, decoder);
        if (parsed instanceof InputLine.EventLine eventLine && processingTime) {
            Event event = eventLine.event();
            if (event.timestamp() == Long.MIN_VALUE) {   // no timestamp: stamped on arrival, as vigil run does
                event = new Event(event.stream(), System.currentTimeMillis(), event.sequence(), event.identity(),
                        event.fields());
            }
            out.collect(event);
        } else if (parsed instanceof InputLine.EventLine eventLine) {
            Event event = eventLine.event();
            Offer offer = clocks.offer(event);
            if (offer == Offer.LATE) {
                context.output(VigilCep.LATE,
                        JsonCodec.late(clocks.lateEvent(event), Map.of("line", event.sequence())));
            } else if (offer == Offer.ACCEPTED) {
                out.collect(event);
            }
        } else if (parsed instanceof InputLine.WatermarkLine watermark && !processingTime) {
            if (watermark.stream() == null) {
                clocks.advanceWatermark(watermark.timestamp());
            } else {
                clocks.advanceWatermark(watermark.stream(), watermark.timestamp());
            }
        } else if (parsed instanceof InputLine.Malformed bad) {
            context.output(PROBLEMS, "line " + line + ": " + bad.message() + " (line skipped)");
        }
    }
}
