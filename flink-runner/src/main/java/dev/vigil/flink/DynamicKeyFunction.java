package dev.vigil.flink;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans each event out once per distinct {@code PARTITION BY} spec among the rules that read its stream, as
 * {@code (spec, key, generation, event)}, for {@code keyBy(spec, key)} (the dynamic keying of Flink's fraud-detection
 * demo): rules keyed alike share one copy. The spec is the JSON text of the key's field paths; the key is the JSON
 * text of the spec's field values (a value for one field, an array for several, empty for rules without
 * {@code PARTITION BY}): equal exactly when the engine's keys are equal. The generation is the number of rule changes
 * this task had applied when it routed the event ({@link LiveRules}): the keyed operator matches the event only once
 * it has applied as many.
 *
 * <p>Rule changes come on the broadcast input and are applied here as in the keyed operator, so routing follows
 * the rules; subtask 0 logs what each change did, or why it was refused.
 *
 * <p>An event at or below the current watermark is late: it goes, once, to the {@link VigilCep#LATE} side output as
 * the JSON line {@code vigil run --late} writes, and no further. In processing time nothing is late. Events of
 * streams no rule reads are counted ({@code vigilUnroutedEvents}) and dropped, as the engine does.
 */
public final class DynamicKeyFunction
        extends BroadcastProcessFunction<Event, Tuple2<String, String>, Tuple4<String, String, Long, Event>>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DynamicKeyFunction.class);

    private final VigilRules rules;
    /** In processing time nothing is late. */
    private transient boolean processingTime;
    private transient LiveRules live;
    /** Per stream, the specs of the rules reading it, with their field paths. */
    private transient Map<String, Spec[]> routes;
    /** The live rules' generation, boxed once per change rather than once per event. */
    private transient Long generation;
    private transient Counter unrouted;
    private transient Counter late;
    private transient Counter refusedChanges;

    public DynamicKeyFunction(VigilRules rules) {
        this.rules = rules;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        live = LiveRules.restored(rules, context);
        processingTime = rules.processingTime();
        route();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // the rules are in broadcast state, written at each change
    }

    @Override
    public void open(OpenContext context) {
        unrouted = getRuntimeContext().getMetricGroup().counter("vigilUnroutedEvents");
        late = getRuntimeContext().getMetricGroup().counter("vigilLateEvents");
        getRuntimeContext().getMetricGroup().gauge("vigilRuleChanges", (Gauge<Long>) () -> live.generation());
        refusedChanges = getRuntimeContext().getMetricGroup().counter("vigilRuleChangesRefused");
    }

    /** A {@code PARTITION BY} spec: its text (the keyed operator's key's first half) and its field paths. */
    private record Spec(String text, List<List<String>> paths) {}

    /** Routes by the live rules. */
    private void route() {
        generation = live.generation();
        Map<String, List<Spec>> readers = new HashMap<>();
        for (CompiledRule rule : live.rules()) {
            Spec spec = new Spec(LiveRules.spec(rule), rule.partitionBy());
            for (String stream : rule.streams()) {
                List<Spec> specsOfStream = readers.computeIfAbsent(stream, s -> new ArrayList<>());
                if (!specsOfStream.contains(spec)) {
                    specsOfStream.add(spec);
                }
            }
        }
        routes = new HashMap<>();
        readers.forEach((stream, specsOfStream) -> routes.put(stream, specsOfStream.toArray(new Spec[0])));
    }

    @Override
    public void processElement(Event event, ReadOnlyContext context,
            Collector<Tuple4<String, String, Long, Event>> out) {
        String lateLine = route(event, context.currentWatermark(), out);
        if (lateLine != null) {
            context.output(VigilCep.LATE, lateLine);
        }
    }

    /**
     * Sends {@code event} to {@code out} once per spec of the rules reading its stream, unless it is late for
     * {@code watermark}: then returns its late-event line, for the caller's {@link VigilCep#LATE} output (else null).
     */
    String route(Event event, long watermark, Collector<Tuple4<String, String, Long, Event>> out) {
        Spec[] route = routes.get(event.stream());
        if (route == null) {
            unrouted.inc();
            return null;
        }
        if (event.timestamp() <= watermark && !processingTime) {
            late.inc();
            return lateJson(event, watermark);
        }
        for (Spec spec : route) {
            out.collect(Tuple4.of(spec.text(), keyText(spec.paths(), event), generation, event));
        }
        return null;
    }

    @Override
    public void processBroadcastElement(Tuple2<String, String> change, Context context,
            Collector<Tuple4<String, String, Long, Event>> out) throws Exception {
        LiveRules.Outcome outcome = live.apply(change.f0, change.f1);
        live.writeTo(context.getBroadcastState(LiveRules.STATE), context.getBroadcastState(LiveRules.GENERATION));
        if (outcome.refusal() != null) {
            refusedChanges.inc();
        }
        route();
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            if (outcome.refusal() != null) {
                LOG.warn(outcome.describe());
            } else {
                LOG.info(outcome.describe());
            }
        }
    }
    /** The late-event JSON line of {@code event}, its sequence as its line (as {@code vigil run --late} writes). */
    static String lateJson(Event event, long watermark) {
        return JsonCodec.late(lateEvent(event, watermark), Map.of("line", event.sequence()));
    }

    /** An event that came at or below the job's watermark, with the reason a user reads. */
    static LateEvent lateEvent(Event event, long watermark) {
        return new LateEvent(event, watermark, "event time " + event.timestamp() + " is at or below the job's"
                + " watermark " + watermark + " (stream '" + event.stream() + "')");
    }

    /**
     * The key of {@code event} under {@code spec} as text: injective on the engine's keys of one spec. The JSON text
     * of the key's value (of an array of them for several fields), written here for the common keys (a string of
     * printable ASCII without quotes or backslashes, an integer), by the JSON codec otherwise.
     */
    static String keyText(List<List<String>> spec, Event event) {
        if (spec.isEmpty()) {
            return "";
        }
        if (spec.size() == 1) {
            Object value = event.field(spec.get(0));
            if (value instanceof String text && plain(text)) {
                return '"' + text + '"';
            }
            return value instanceof Long number ? number.toString() : JsonCodec.value(value);
        }
        List<Object> values = new ArrayList<>(spec.size());
        for (List<String> path : spec) {
            values.add(event.field(path));
        }
        return JsonCodec.value(values);
    }

    /** Whether the JSON text of {@code text} is the text in quotes: no character JSON escapes, all ASCII. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
