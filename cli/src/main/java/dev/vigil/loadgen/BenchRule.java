package dev.vigil.loadgen;

/**
 * The rule {@code vigil bench} deploys: {@code a} then, as the key's very next event, {@code b}, per key, over
 * streams of its own (one per connection), so that it neither reads nor disturbs other rules' events.
 *
 * <p>Why one stream per connection: each connection's events then have a stream and a watermark of their own,
 * which the rule combines by waiting for the slowest, as a deployment reading several streams does. (On one
 * stream the server would combine the connections' watermarks the same way, per source.)
 *
 * <p>The alert's field {@code sent} is the {@code s} of the {@code b} event: when its frame was meant to be sent.
 */
public final class BenchRule {
    public static final String NAME = "bench_seq";

    private BenchRule() {}

    /** The stream connection {@code connection} writes to. */
    public static String stream(int connection) {
        return NAME + "_" + connection;
    }

    /** The rule text for {@code connections} connections. */
    public static String text(int connections) {
        StringBuilder text = new StringBuilder("-- vigil bench: a, then b as the key's next event\n");
        StringBuilder from = new StringBuilder();
        for (int c = 0; c < connections; c++) {
            // event time in milliseconds; the rule has no window and no delay
            text.append("STREAM ").append(stream(c))
                    .append(" (k STRING, t STRING, s LONG, ts TIMESTAMP) EVENT TIME ts WATERMARK DELAY 0 SECONDS;\n");
            from.append(c == 0 ? "" : ", ").append(stream(c));
        }
        return text.append("RULE ").append(NAME).append('\n')
                .append("  FROM ").append(from).append('\n')
                .append("  PARTITION BY k\n")
                .append("  PATTERN a b\n")
                .append("  DEFINE a AS t = 'a', b AS t = 'b'\n")
                .append("  EMIT sent = b.s\n")
                .append("  AFTER MATCH SKIP PAST LAST EVENT;\n")
                .toString();
    }
}
