package dev.vigil.bench.compare;

/**
 * Counts one statement's matches into a {@link MatchTally}. It is an Esper subscriber, not a listener: Esper calls
 * the {@code update} method whose parameters fit the statement's select clause with the selected values themselves,
 * no {@code EventBean} rows to build and read by property name, which is the fast path of Esper's documentation.
 * W4's statements first add their rule's index, as every engine does.
 *
 * <p><b>Not thread-safe:</b> called on the thread that sends events or advances time.
 */
public final class EsperSubscriber {
    private static final int NO_RULE = -1;

    private final MatchTally tally;
    private final int rule;

    private EsperSubscriber(MatchTally tally, int rule) {
        this.tally = tally;
        this.rule = rule;
    }

    static EsperSubscriber of(MatchTally tally) {
        return new EsperSubscriber(tally, NO_RULE);
    }

    static EsperSubscriber ofRule(MatchTally tally, int rule) {
        return new EsperSubscriber(tally, rule);
    }

    /** Absence: just a. */
    public void update(long a) {
        begin();
        tally.event(a);
        tally.end();
    }

    /** A strict pair: p, q. */
    public void update(long p, long q) {
        begin();
        tally.event(p);
        tally.event(q);
        tally.end();
    }

    /** a, b, c (and W4's x, y, z). */
    public void update(long a, long b, long c) {
        begin();
        tally.event(a);
        tally.event(b);
        tally.event(c);
        tally.end();
    }

    /** W3: a, the loop's b's in order, c. */
    public void update(long a, EsperEvent[] bs, long c) {
        begin();
        tally.event(a);
        for (EsperEvent b : bs) {
            tally.event(b.getId());
        }
        tally.event(c);
        tally.end();
    }

    private void begin() {
        tally.begin();
        if (rule != NO_RULE) {
            tally.event(rule);
        }
    }
}
