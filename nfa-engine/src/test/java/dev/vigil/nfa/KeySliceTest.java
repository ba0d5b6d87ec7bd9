package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Engines owning disjoint key slices together do exactly the work of one engine owning every key: the contract
 * the server's shards rely on.
 */
class KeySliceTest {
    private static final String RULES = """
            RULE by_card FROM payments PARTITION BY card
              PATTERN a -> b -> c WITHIN 5 SECONDS
              DEFINE a AS amount < 10, b AS amount < 10, c AS amount > 500
              ON TIMEOUT EMIT first = a.amount;
            RULE by_merchant_and_card FROM payments PARTITION BY merchant, card
              PATTERN x y WITHIN 2 SECONDS
              DEFINE x AS amount > 100, y AS amount > x.amount;
            RULE global FROM payments
              PATTERN big{3} WITHIN 1 SECOND
              DEFINE big AS amount > 900
            """;

    @Test
    void slicesTogetherProduceExactlyTheAlertsOfOneEngine() {
        CompileResult compiled = RuleCompiler.compile("slices.cep", RULES);
        assertTrue(compiled.ok(), () -> compiled.diagnostics().toString());
        List<CompiledRule> rules = compiled.rules();
        List<Event> events = payments(20_000, 7);
        TreeSet<String> whole = alertIds(rules, events, KeySlice.ALL);
        assertTrue(whole.size() > 100, "the data must produce alerts of every kind: " + whole.size());
        for (int count : new int[] {2, 3, 5}) {
            TreeSet<String> union = new TreeSet<>();
            int total = 0;
            for (int index = 0; index < count; index++) {
                TreeSet<String> part = alertIds(rules, events, new KeySlice(index, count));
                total += part.size();
                union.addAll(part);
            }
            assertEquals(whole, union, "slices of " + count);
            assertEquals(whole.size(), total, "no alert produced by two slices of " + count);
        }
    }

    @Test
    void theSliceOfAKeyDependsOnlyOnItsValue() {
        List<List<String>> byCard = List.of(List.of("card"));
        Event first = event("c-42", "m-1", 5, 1_000, 1);
        Event again = event("c-42", "m-9", 700, 9_000, 2);
        for (int count = 1; count <= 8; count++) {
            assertEquals(KeySlice.sliceOf(byCard, first, count), KeySlice.sliceOf(byCard, again, count));
        }
        // Fixed values, so a key lands on the same shard in every run (and after a restart).
        assertEquals(KeySlice.sliceOf(List.of(), first, 4), KeySlice.sliceOf(List.of(), again, 4));
        int[] used = new int[4];
        for (int i = 0; i < 4_000; i++) {
            used[KeySlice.sliceOf(byCard, event("c-" + i, "m", 1, 1, i), 4)]++;
        }
        for (int slice = 0; slice < 4; slice++) {
            assertTrue(used[slice] > 800, "keys spread over the slices: " + Arrays.toString(used));
        }
    }

    @Test
    void aSliceOutsideItsCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeySlice(2, 2));
        assertThrows(IllegalArgumentException.class, () -> new KeySlice(0, 0));
    }

    private static TreeSet<String> alertIds(List<CompiledRule> rules, List<Event> events, KeySlice slice) {
        List<Alert> alerts = new ArrayList<>();
        Engine engine = new Engine(rules, EngineConfig.defaults().withDefaultWatermarkDelayMs(50).withSlice(slice),
                new EngineListener() {
                    @Override
                    public void onAlert(Alert alert) {
                        alerts.add(alert);
                    }

                    @Override
                    public void onLateEvent(LateEvent late) {
                    }
                });
        for (Event event : events) {
            engine.offer(event);
        }
        engine.finish();
        TreeSet<String> ids = new TreeSet<>();
        for (Alert alert : alerts) {
            ids.add(alert.id() + " " + alert.rule() + " " + alert.kind().json());
        }
        return ids;
    }

    private static List<Event> payments(int count, long seed) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>(count);
        long ts = 1_000;
        for (int i = 0; i < count; i++) {
            ts += random.nextInt(20);
            long out = ts - random.nextInt(40);   // a little out of order, inside the 50 ms delay
            int roll = random.nextInt(100);
            long amount = roll < 45 ? random.nextInt(10)
                    : roll < 90 ? 100 + random.nextInt(400) : 501 + random.nextInt(500);
            events.add(event("c-" + random.nextInt(300), "m-" + random.nextInt(5), amount, out, i + 1));
        }
        return events;
    }

    private static Event event(String card, String merchant, long amount, long ts, long sequence) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("card", card);
        fields.put("merchant", merchant);
        fields.put("amount", amount);
        fields.put("ts", ts);
        return new Event("payments", ts, sequence, fields);
    }
}
