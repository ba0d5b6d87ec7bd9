package dev.vigil.bench.compare;

import java.util.List;

/**
 * The EPL module of each workload: a context with one partition per key and the statements that run in it, each
 * selecting the ids of its matched events in pattern-variable order (what {@link EsperSubscriber} receives).
 *
 * <p>How Flink CEP's meaning maps to EPL:
 *
 * <ul>
 *   <li>Relaxed contiguity ({@code a -> b}, skip till next match) is the pattern followed-by without {@code every}
 *       on the right: {@code b} is the first later qualifying event of the key, and each {@code a} (under
 *       {@code every}) has its own, so overlapping matches are all reported.
 *   <li>{@code WITHIN t} is {@code timer:within(t)} around everything after the first event: started when the
 *       first event arrives (the clock then reads its timestamp), it fires when the clock reaches first + t, and the
 *       runner moves the clock before it sends the event stamped then, so a last event exactly t after the first
 *       does not match, as in Flink.
 *   <li>Strict contiguity has no pattern operator: "the key's very next event" is a row pattern, so it is
 *       {@code match_recognize}, whose rows in a keyed context are the key's events. It has no window from the first
 *       row, so the last variable's define says {@code ts < first.ts + t}. Its default, skip past the last row of a
 *       match, loses nothing here: the variables have distinct types, so no two matches can overlap.
 *   <li>Absence {@code a -> !b WITHIN t} is {@code a -> (timer:interval(t) and not b)}: the interval fires at
 *       a + t before an event stamped then is sent, so a b exactly t after a does not prevent the match.
 *   <li>W3's {@code a -> b+ -> c} gives Flink one match per prefix b1..bk of the B's after a (the loop is relaxed
 *       and also ignores C's), each ended by the first C after bk. A pattern's {@code [1:] b until c} gives only the
 *       longest prefix, up to the first C. As a row pattern, though, it is exact: {@code a n* b (n* b)* m* c} with
 *       n any non-B and m any non-C has one path per prefix; {@code all matches} reports every path, and
 *       {@code after match skip to current row} keeps the longer prefixes' partial matches alive after a shorter
 *       one matched. Every variable's define also checks the window, so partial matches die with it.
 * </ul>
 */
final class EsperEpl {
    /** The name of every statement except W4's, which are named after their rules. */
    static final String STATEMENT = "match";

    private static final String CONTEXT = "create context PerKey partition by key from " + EsperEvent.TYPE + ";\n";

    private EsperEpl() {
    }

    static String module(Workload workload) {
        return CONTEXT + switch (workload) {
            case W1 -> statement(STATEMENT, "select a.id as a, b.id as b, c.id as c from pattern [every a=Ev(type='A')"
                    + " -> (b=Ev(type='B', value > a.value) -> c=Ev(type='C')) where timer:within(10 sec)]");
            case W2 -> statement(STATEMENT, "select a, b, c from Ev match_recognize (measures a.id as a, b.id as b,"
                    + " c.id as c pattern (a b c) define a as a.type = 'A', b as b.type = 'B' and b.value > a.value,"
                    + " c as c.type = 'C' and c.ts < a.ts + 10000)");
            case W3 -> statement(STATEMENT, "select a, b, c from Ev match_recognize (measures a.id as a, b as b,"
                    + " c.id as c all matches after match skip to current row pattern (a n* b (n* b)* m* c)"
                    + " define a as a.type = 'A', n as n.type != 'B' and n.ts < a.ts + 1000, b as b.type = 'B' and"
                    + " b.ts < a.ts + 1000, m as m.type != 'C' and m.ts < a.ts + 1000, c as c.type = 'C' and"
                    + " c.ts < a.ts + 1000)");
            case W4, W6 -> fraudMix(FraudMix.of(workload));
            case W5 -> statement(STATEMENT, "select a.id as a from pattern [every a=Ev(type='A')"
                    + " -> (timer:interval(5 sec) and not Ev(type='B'))]");
        };
    }

    /** How long after its first event a partial match can still complete or time out, at most. */
    static long longestWindowMs(Workload workload) {
        return switch (workload) {
            case W1 -> 10_000;
            case W2 -> 10_000;
            case W3 -> 1_000;
            case W4, W6 -> 12 * 3_600_000;
            case W5 -> 5_000;
        };
    }

    /**
     * W4's fifty statements, all in the one keyed context. That is costly in Esper: a key's context partition
     * instantiates every statement of the context, about 92 KB per key for these fifty (measured with one event per
     * key), so W4 with 100,000 keys or more does not fit a 4 GB heap. Correlating by key in the filters instead of a
     * context ({@code y=Ev(type='B', key = x.key)}) costs only the live partial matches (the same matches at 100,000
     * keys), but the comparison specifies the keyed context for every workload.
     */
    private static String fraudMix(List<FraudMix.Rule> rules) {
        StringBuilder module = new StringBuilder();
        for (FraudMix.Rule rule : rules) {
            String first = GeneratedStream.TYPES[rule.first()];
            String second = GeneratedStream.TYPES[rule.second()];
            module.append(statement(rule.name(), switch (rule.kind()) {
                case SEQUENCE -> String.format("select x.id as x, y.id as y, z.id as z from pattern [every x=Ev(type="
                        + "'%s', value >= %d) -> (y=Ev(type='%s') -> z=Ev(type='%s', value > 50))"
                        + " where timer:within(1 hour)]", first, rule.threshold(), second,
                        GeneratedStream.TYPES[rule.third()]);
                case STRICT_PAIR -> String.format("select p, q from Ev match_recognize (measures p.id as p, q.id as q"
                        + " pattern (p q) define p as p.type = '%s', q as q.type = '%s' and q.value > p.value + %d"
                        + " and q.ts < p.ts + %d)", first, second, rule.threshold(), 12 * 3_600_000);
                case ABSENCE -> String.format("select a.id as a from pattern [every a=Ev(type='%s', value < %d)"
                        + " -> (timer:interval(30 sec) and not Ev(type='%s'))]", first, rule.threshold(), second);
            }));
        }
        return module.toString();
    }

    private static String statement(String name, String select) {
        return "@name('" + name + "') context PerKey " + select + ";\n";
    }
}
