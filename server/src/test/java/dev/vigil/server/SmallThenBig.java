package dev.vigil.server;

/** The rule most event tests deploy, and its two kinds of payment as NDJSON lines. */
final class SmallThenBig {
    /** A match: a payment below 2, then one of at least 500, on the same card. */
    static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
            """;
    /** A small payment of card c1 at 1000. */
    static final String SMALL = "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 1, \"ts\": 1000}";
    /** A big payment of card c1 at 2000: with {@link #SMALL}, a match that ends at 2000. */
    static final String BIG = "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 900, \"ts\": 2000}";

    private SmallThenBig() {
    }
}
