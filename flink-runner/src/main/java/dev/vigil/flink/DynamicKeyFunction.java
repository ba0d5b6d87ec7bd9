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
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Fans each event out once per distinct {@code PARTITION BY} spec among the rules that read its stream, as
 * {@code (spec, key, event)}, for {@code keyBy(spec, key)} (the dynamic keying of Flink's fraud-detection demo): rules
 * keyed alike share one copy. The key is the JSON text of the spec's field values (a value for one field, an array
 * for several, empty for rules without {@code PARTITION BY}): equal exactly when the engine's keys are equal.
 *
 * <p>An event at or below the current watermark is late: it goes, once, to the {@link VigilCep#LATE} side output as
 * the JSON line {@code vigil run --late} writes, and no further. Events of streams no rule reads are counted
 * ({@code vigilUnroutedEvents}) and dropped, as the engine does.
 */
public final class DynamicKeyFunction extends ProcessFunction<Event, Tuple3<Integer, String, Event>> {
    private static final long serialVersionUID = 1L;

    private final VigilRules rules;
    private transient List<List<List<String>>> specs;
    /** Per stream, the specs of the rules reading it. */
    private transient Map<String, int[]> routes;
    private transient Counter unrouted;
    private transient Counter late;

    public DynamicKeyFunction(VigilRules rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext context) {
        VigilRules.Compiled compiled = rules.compile();
        specs = compiled.specs();
        Map<String, List<Integer>> readers = new HashMap<>();
        for (int i = 0; i < compiled.rules().size(); i++) {
            CompiledRule rule = compiled.rules().get(i);
            for (String stream : rule.streams()) {
                List<Integer> specsOfStream = readers.computeIfAbsent(stream, s -> new ArrayList<>());
                if (!specsOfStream.contains(compiled.specOf()[i])) {
                    specsOfStream.add(compiled.specOf()[i]);
                }
            }
        }
        routes = new HashMap<>();
        readers.forEach((stream, specsOfStream) ->
                routes.put(stream, specsOfStream.stream().mapToInt(Integer::intValue).toArray()));
        unrouted = getRuntimeContext().getMetricGroup().counter("vigilUnroutedEvents");
        late = getRuntimeContext().getMetricGroup().counter("vigilLateEvents");
    }

    @Override
    public void processElement(Event event, Context context, Collector<Tuple3<Integer, String, Event>> out) {
        int[] route = routes.get(event.stream());
        if (route == null) {
            unrouted.inc();
            return;
        }
        long watermark = context.timerService().currentWatermark();
        if (event.timestamp() <= watermark) {
            late.inc();
            context.output(VigilCep.LATE,
                    JsonCodec.late(lateEvent(event, watermark), Map.of("line", event.sequence())));
            return;
        }
        for (int spec : route) {
            out.collect(Tuple3.of(spec, keyText(specs.get(spec), event), event));
        }
    }

    /** An event that came at or below the job's watermark, with the reason a user reads. */
    static LateEvent lateEvent(Event event, long watermark) {
        return new LateEvent(event, watermark, "event time " + event.timestamp() + " is at or below the job's"
                + " watermark " + watermark + " (stream '" + event.stream() + "')");
    }

    /** The key of {@code event} under {@code spec} as text: injective on the engine's keys of one spec. */
    static String keyText(List<List<String>> spec, Event event) {
        if (spec.isEmpty()) {
            return "";
        }
        if (spec.size() == 1) {
            return JsonCodec.value(event.field(spec.get(0)));
        }
        List<Object> values = new ArrayList<>(spec.size());
        for (List<String> path : spec) {
            values.add(event.field(path));
        }
        return JsonCodec.value(values);
    }
}
