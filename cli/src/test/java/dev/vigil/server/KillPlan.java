package dev.vigil.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The seeded moments at which the crash test kills the server: each kill comes once a given number of batches has
 * been acknowledged, after a pause of a few milliseconds during which the server goes on with what it holds
 * (batches queued for the shards, alerts being logged), so the kill lands at a different point of its work each
 * time. Several kills at the same count kill the server again right after it restarted, before anything new is
 * sent: a crash during recovery.
 *
 * <p>Kills never come while a request is in flight. A batch the server logged but whose 202 was lost is in
 * doubt: resending it (as a client must) would number its events twice, unless the server can recognise a
 * resent batch, which its API has no way to express; see the crash test.
 *
 * @param kills in the order they happen (by {@link Kill#afterBatches})
 */
record KillPlan(List<Kill> kills) {
    /**
     * One SIGKILL.
     *
     * @param afterBatches how many batches have been acknowledged when it comes (0 .. all of them)
     * @param pauseMs how long after the last acknowledgement (or the restart) it comes
     */
    record Kill(int afterBatches, int pauseMs) {
        Kill {
            if (afterBatches < 0 || pauseMs < 0) {
                throw new IllegalArgumentException("kill after " + afterBatches + " batches, " + pauseMs + " ms");
            }
        }
    }

    KillPlan {
        kills = List.copyOf(kills);
    }

    /**
     * {@code count} kills over {@code batches} batches, one of them after the last (the final watermark's alerts
     * are the ones most likely still in flight), the others anywhere; pauses of 0..{@code maxPauseMs} ms.
     */
    static KillPlan random(long seed, int count, int batches, int maxPauseMs) {
        if (count < 1) {
            throw new IllegalArgumentException("a crash run needs at least one kill, got " + count);
        }
        Random random = new Random(seed);
        List<Kill> kills = new ArrayList<>();
        kills.add(new Kill(batches, random.nextInt(maxPauseMs + 1)));
        for (int i = 1; i < count; i++) {
            kills.add(new Kill(random.nextInt(batches + 1), random.nextInt(maxPauseMs + 1)));
        }
        kills.sort(Comparator.comparingInt(Kill::afterBatches));
        return new KillPlan(kills);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Kill kill : kills) {
            text.append(text.length() == 0 ? "" : ", ").append(kill.afterBatches()).append('+')
                    .append(kill.pauseMs()).append("ms");
        }
        return text.toString();
    }
}
