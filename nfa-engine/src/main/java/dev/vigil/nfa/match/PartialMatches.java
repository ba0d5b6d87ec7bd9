package dev.vigil.nfa.match;

import java.util.Arrays;
import java.util.List;

/**
 * The matching state of one key (Flink's {@code NFAState} plus its {@code SharedBuffer}): the runs in
 * progress, the completed matches held back by a skip strategy, the shared buffer of their events (this object
 * is that buffer: {@link SharedBuffer} is its superclass, so a key costs one object, not two), and the window
 * timers Flink's operator would have registered. Plain data without references to the {@code Nfa}, created by
 * {@link Matcher#newState()}.
 *
 * <p><b>Not thread-safe:</b> owned by the one thread that owns the key.
 */
public final class PartialMatches extends SharedBuffer {
    private static final long[] NO_TIMERS = new long[0];

    /** The empty queue of held completed matches every key starts with; never added to. */
    private static final RunQueue NO_COMPLETED = new RunQueue();

    RunQueue runs = new RunQueue();
    /** Completed matches held back by a skip strategy: {@link #NO_COMPLETED} until the first, as for most keys. */
    RunQueue completed = NO_COMPLETED;
    /** Creation counter of runs, for "oldest first" when the partial-match bound trips. */
    long nextSerial;
    /** Flink's {@code isNewStartPartialMatch}: a run started since the last {@code advanceTime}. */
    boolean newStart;
    /**
     * Runs other than the start run, once counted since the runs last changed ({@link Matcher#partialMatchCount});
     * -1 until then. Reset by the two ways the runs change, {@link #replaceRuns} and {@link #dropRuns}.
     */
    int heldRuns = -1;
    /**
     * Pending window timers (first event + WITHIN), ascending, distinct: the first in a field of its own (most keys
     * hold one partial match, so one timer: no array to reach on every visit), the others in an array.
     */
    private long firstTimer = Long.MAX_VALUE;
    private long[] laterTimers = NO_TIMERS;
    private int timerCount;

    PartialMatches() {}

    long nextSerial() {
        return nextSerial++;
    }

    /** Makes {@code next} the runs; returns the queue they replace. */
    RunQueue replaceRuns(RunQueue next) {
        RunQueue previous = runs;
        runs = next;
        heldRuns = -1;
        return previous;
    }

    /** Removes {@code dropped} from the runs. */
    void dropRuns(List<Run> dropped) {
        runs.removeAll(dropped);
        heldRuns = -1;
    }

    /**
     * Drops every run but {@code start} and every held completed match, and forgets the buffer
     * ({@link SharedBuffer#forgetAll}): the work bound tripped. The event numbering, run serials and timers stay.
     */
    void dropAll(Run start) {
        runs.clear();
        runs.add(start);
        completed = NO_COMPLETED;
        heldRuns = -1;
        forgetAll();
    }

    /** The queue of held completed matches, ready to be added to. */
    RunQueue completedToAdd() {
        if (completed == NO_COMPLETED) {
            completed = new RunQueue();
        }
        return completed;
    }

    void addTimer(long timestamp) {
        if (timerCount == 0) {
            firstTimer = timestamp;
            timerCount = 1;
            return;
        }
        if (timestamp == firstTimer) {
            return;
        }
        long later = timestamp;
        if (timestamp < firstTimer) {
            later = firstTimer;
            firstTimer = timestamp;
        }
        int laterCount = timerCount - 1;
        int at = Arrays.binarySearch(laterTimers, 0, laterCount, later);
        if (at >= 0) {
            return;
        }
        at = -at - 1;
        if (laterCount == laterTimers.length) {
            laterTimers = Arrays.copyOf(laterTimers, Math.max(1, laterCount * 2));
        }
        System.arraycopy(laterTimers, at, laterTimers, at + 1, laterCount - at);
        laterTimers[at] = later;
        timerCount++;
    }

    /** Drops the timers that a watermark at {@code timestamp} has fired. */
    void fireTimersUpTo(long timestamp) {
        if (timerCount == 0 || firstTimer > timestamp) {
            return;
        }
        int laterCount = timerCount - 1;
        int fired = 0;   // of the later timers
        while (fired < laterCount && laterTimers[fired] <= timestamp) {
            fired++;
        }
        if (fired == laterCount) {
            firstTimer = Long.MAX_VALUE;
            timerCount = 0;
            return;
        }
        firstTimer = laterTimers[fired];
        System.arraycopy(laterTimers, fired + 1, laterTimers, 0, laterCount - fired - 1);
        timerCount -= fired + 1;
    }

    int timerCount() {
        return timerCount;
    }

    long timer(int i) {
        return i == 0 ? firstTimer : laterTimers[i - 1];
    }

    /** Replaces the timers by those a snapshot recorded (ascending, distinct). */
    void restoreTimers(long[] ascending, int count) {
        firstTimer = count == 0 ? Long.MAX_VALUE : ascending[0];
        laterTimers = count <= 1 ? NO_TIMERS : Arrays.copyOfRange(ascending, 1, count);
        timerCount = count;
    }

    long firstTimer() {
        return timerCount == 0 ? Long.MAX_VALUE : firstTimer;
    }

    @Override
    public String toString() {
        return "PartialMatches{runs=" + runs.size() + ", completed=" + completed.size() + ", nodes="
                + nodeCount() + "}";
    }
}
