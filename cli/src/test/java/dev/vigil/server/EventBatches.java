package dev.vigil.server;

import dev.vigil.nfa.EventTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fixed, seeded event stream cut into NDJSON request bodies for {@code POST /v1/events}; the last body is the
 * final {@code {"watermark": EventTime.MAX_MS}} (the latest accepted time), which releases everything still pending.
 *
 * <p>Each event is {@code {"stream":"crash","key":"k042","kind":"a","n":17,"ts":...}}: {@code n} numbers the events
 * from 0 in sending order, so an alert's events tell which input events it covers. Event time moves 0..19 ms per
 * event and each event is jittered up to {@value #JITTER_MS} ms into the past, so events arrive out of order and
 * wait for the watermark; the stream's {@code WATERMARK DELAY} must exceed the jitter so that no event is ever late
 * (a late event would be counted, not matched, and so not accounted for by any alert).
 *
 * <p>The same seed gives the same bodies, so a reference run and a crash run read exactly the same input in the
 * same batches.
 */
final class EventBatches {
    static final String STREAM = "crash";
    static final long JITTER_MS = 500;
    private static final long FIRST_TS = 1_800_000_000_000L;   // 2027-01-15, a fixed epoch: alerts are reproducible

    private final List<String> bodies;
    private final int events;

    private EventBatches(List<String> bodies, int events) {
        this.bodies = List.copyOf(bodies);
        this.events = events;
    }

    /**
     * {@code events} events over {@code keys} keys, {@code perBatch} to a body. Kinds: {@code a} 8%, {@code b} 22%,
     * {@code c} 10%, {@code x} (matched only by rules that take every event) 60%.
     */
    static EventBatches generate(long seed, int events, int keys, int perBatch) {
        Random random = new Random(seed);
        List<String> bodies = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        long clock = FIRST_TS;
        for (int n = 0; n < events; n++) {
            clock += random.nextInt(20);
            String key = String.format("k%03d", random.nextInt(keys));
            double draw = random.nextDouble();
            String kind = draw < 0.08 ? "a" : draw < 0.30 ? "b" : draw < 0.40 ? "c" : "x";
            long ts = clock - random.nextInt((int) JITTER_MS);
            body.append("{\"stream\":\"").append(STREAM).append("\",\"key\":\"").append(key)
                    .append("\",\"kind\":\"").append(kind).append("\",\"n\":").append(n)
                    .append(",\"ts\":").append(ts).append("}\n");
            if ((n + 1) % perBatch == 0 || n == events - 1) {
                bodies.add(body.toString());
                body.setLength(0);
            }
        }
        bodies.add("{\"watermark\":" + EventTime.MAX_MS + "}\n");
        return new EventBatches(bodies, events);
    }

    /** Request bodies, the final watermark included. */
    int size() {
        return bodies.size();
    }

    /** The NDJSON body of batch {@code index} (from 0). */
    String body(int index) {
        return bodies.get(index);
    }

    /** Events and watermarks in batch {@code index}: what its 202 must report as accepted. */
    int lines(int index) {
        String body = bodies.get(index);
        int lines = 0;
        for (int i = 0; i < body.length(); i++) {
            if (body.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    /** Events in the whole stream (numbered {@code n} = 0 .. events-1). */
    int events() {
        return events;
    }
}
