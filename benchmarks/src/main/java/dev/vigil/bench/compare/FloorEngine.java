package dev.vigil.bench.compare;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The floor: a loop written by hand for W1 and W2 alone, with Flink CEP's meaning and nothing general. A hash map
 * from key to a few primitive arrays of partial matches; conditions inlined; events read straight from the
 * generated columns. It shows how fast this machine can find these matches at all.
 *
 * <p>W1 ({@code a -> b -> c}, relaxed): every A starts a partial match; the first later B with a greater value takes
 * it to waiting for c; the first later C completes it. W2 (strict): the key's very next event must be the B, and the
 * one after it the C. Both: a partial match is dropped once an event of its key is 10 s or more after its A (as
 * Flink prunes before it processes the event).
 */
final class FloorEngine implements ComparedEngine {
    private static final long WINDOW_MS = 10_000;
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;

    private Workload workload;
    private GeneratedStream stream;

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public String cannotRun(Workload workload) {
        return workload == Workload.W1 || workload == Workload.W2 ? null
                : "the floor is written by hand for W1 and W2 only";
    }

    @Override
    public void prepare(Workload workload, GeneratedStream stream) {
        this.workload = workload;
        this.stream = stream;
    }

    @Override
    public Run run() {
        MatchTally tally = new MatchTally();
        HashMap<String, Partials> keys = new HashMap<>();
        boolean strict = workload == Workload.W2;
        int n = stream.size();
        Stopwatch stopwatch = new Stopwatch(n);
        stopwatch.start();
        for (int i = 0; i < n; i++) {
            stopwatch.before(i);
            Partials partials = keys.get(stream.key(i));
            if (partials == null) {
                partials = new Partials();
                keys.put(stream.key(i), partials);
            }
            if (strict) {
                partials.strict(i, stream.typeIndex(i), stream.value(i), stream.timestamp(i), tally);
            } else {
                partials.relaxed(i, stream.typeIndex(i), stream.value(i), stream.timestamp(i), tally);
            }
        }
        return stopwatch.stop(tally);
    }

    @Override
    public MemoryProbe memoryProbe() {
        throw new UnsupportedOperationException("the floor is not a general engine; its memory is not compared");
    }

    /** One key's partial matches, oldest first: the A's id, time and value, and the B's id (-1 while waiting). */
    private static final class Partials {
        private int size;
        private int[] aId = new int[2];
        private long[] aTs = new long[2];
        private int[] aValue = new int[2];
        private int[] bId = new int[2];

        void relaxed(int id, int type, int value, long ts, MatchTally tally) {
            pruneOlderThan(ts);
            if (type == C) {
                int kept = 0;
                for (int p = 0; p < size; p++) {
                    if (bId[p] >= 0) {
                        match(p, id, tally);
                    } else {
                        keep(p, kept++);
                    }
                }
                size = kept;
            } else if (type == B) {
                for (int p = 0; p < size; p++) {
                    if (bId[p] < 0 && value > aValue[p]) {
                        bId[p] = id;
                    }
                }
            } else if (type == A) {
                add(id, ts, value);
            }
        }

        void strict(int id, int type, int value, long ts, MatchTally tally) {
            pruneOlderThan(ts);
            int kept = 0;
            for (int p = 0; p < size; p++) {
                if (bId[p] < 0) {
                    if (type == B && value > aValue[p]) {
                        bId[p] = id;
                        keep(p, kept++);
                    }
                } else if (type == C) {
                    match(p, id, tally);
                }
            }
            size = kept;
            if (type == A) {
                add(id, ts, value);
            }
        }

        private void match(int p, int cId, MatchTally tally) {
            tally.begin();
            tally.event(aId[p]);
            tally.event(bId[p]);
            tally.event(cId);
            tally.end();
        }

        private void pruneOlderThan(long ts) {
            int kept = 0;
            for (int p = 0; p < size; p++) {
                if (ts - aTs[p] < WINDOW_MS) {
                    keep(p, kept++);
                }
            }
            size = kept;
        }

        private void keep(int from, int to) {
            if (from != to) {
                aId[to] = aId[from];
                aTs[to] = aTs[from];
                aValue[to] = aValue[from];
                bId[to] = bId[from];
            }
        }

        private void add(int id, long ts, int value) {
            if (size == aId.length) {
                aId = Arrays.copyOf(aId, size * 2);
                aTs = Arrays.copyOf(aTs, size * 2);
                aValue = Arrays.copyOf(aValue, size * 2);
                bId = Arrays.copyOf(bId, size * 2);
            }
            aId[size] = id;
            aTs[size] = ts;
            aValue[size] = value;
            bId[size] = -1;
            size++;
        }
    }
}
