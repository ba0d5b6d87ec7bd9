package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.nfa.Event;
import dev.vigil.server.sequencer.EventIdentity;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The order the keyed operator matches a key's events of one timestamp in, as docs/flink.md states it: by sequence
 * (a file's line, a Kafka record's offset), and events of equal sequence (records of one offset in different
 * partitions) by identity, whatever order they reach the keyed subtask in (from different partitions, in an order
 * the network decides). Flink's operator test harness, each order fed to a fresh operator.
 */
class EqualTimestampsTest {
    private static final VigilRules RULES = VigilRules.of(List.of(new VigilRules.RuleFile("pair.cep", """
            RULE pair FROM s PARTITION BY k PATTERN a b DEFINE a AS TRUE, b AS TRUE
              EMIT first = a.id, second = b.id;
            """)));
    private static final String SPEC = "[[\"k\"]]";

    @Test
    void equalTimestampsAreMatchedInOffsetOrderAcrossPartitions() throws Exception {
        Event offset7 = record("payments", 0, 7, "p0-o7");
        Event offset3 = record("payments", 1, 3, "p1-o3");
        String expected = "\"first\":\"p1-o3\",\"second\":\"p0-o7\"";
        assertEquals(List.of(expected), fields(matched(offset7, offset3)));
        assertEquals(List.of(expected), fields(matched(offset3, offset7)));
    }

    @Test
    void equalTimestampsAndOffsetsAreMatchedInIdentityOrderWhateverTheArrivalOrder() throws Exception {
        Event partition0 = record("payments", 0, 5, "p0-o5");
        Event partition1 = record("payments", 1, 5, "p1-o5");
        List<String> oneWay = fields(matched(partition0, partition1));
        assertEquals(oneWay, fields(matched(partition1, partition0)));
        Event first = Long.compare(partition0.identity(), partition1.identity()) < 0 ? partition0 : partition1;
        assertEquals(1, oneWay.size());
        assertEquals(true, oneWay.get(0).startsWith("\"first\":\"" + first.field(List.of("id"))), oneWay.toString());
    }

    /** A record's event as the Kafka job decodes it: the offset its sequence, topic, partition and offset its id. */
    private static Event record(String topic, int partition, long offset, String id) {
        return new Event("s", 1_000, offset, EventIdentity.at(EventIdentity.partition(topic, partition), offset),
                Map.of("k", "card-1", "id", id));
    }

    /** The alerts of a fresh keyed operator given {@code events} in this order, then a watermark past them. */
    private static List<String> matched(Event... events) throws Exception {
        try (KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
                Tuple2<String, String>, String> harness = new KeyedBroadcastOperatorTestHarness<>(
                        new MatchOperator(RULES), keyed -> Tuple2.of(keyed.f0, keyed.f1), VigilCep.KEY, 128, 1, 0)) {
            harness.open();
            for (Event event : events) {
                harness.processElement(Tuple4.of(SPEC, "\"card-1\"", 0L, event), event.timestamp());
            }
            harness.processWatermark(2_000);
            return harness.extractOutputValues();
        }
    }

    /** The EMIT fields of each alert, as their JSON text. */
    private static List<String> fields(List<String> alerts) {
        return alerts.stream().map(alert -> alert.substring(alert.indexOf("\"fields\":{") + 10,
                alert.indexOf('}', alert.indexOf("\"fields\":{")))).toList();
    }
}
