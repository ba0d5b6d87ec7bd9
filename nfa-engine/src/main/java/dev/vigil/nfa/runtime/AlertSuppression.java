package dev.vigil.nfa.runtime;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code SUPPRESS FOR d}: which alerts of a rule are emitted, at most one per key in any {@code d} of event time.
 *
 * <p><b>Meaning.</b> An alert's time is the event time it is about: the time of the last matched event for a match
 * ({@code Alert.end}), the expiry time for a timeout ({@code Alert.timeoutAt}); both are fixed by the events, not by
 * when the watermark came, so what is suppressed is too. An alert of a key at time {@code t} is emitted when the key
 * has emitted no alert yet, or its last emitted alert was at {@code e} with {@code t >= e + d}; else it is suppressed:
 * counted, not built (its {@code EMIT} expressions are not evaluated). A suppressed alert does not extend the
 * period: the period starts at the emitted alert's time. Matches and timeouts share the period.
 *
 * <p><b>State.</b> One time per key that emitted an alert: the last emitted alert's. It lives beside the key
 * states, not in them, so it keeps no key's partial matches alive and a key's eviction does not end its period. An
 * entry is forgotten once its period is over at the rule's watermark and its key holds no state (so no partial match
 * that could still complete with an older time): every later alert of the key comes from a later event, after the
 * watermark, so after the period, and would be emitted with or without the entry. Forgetting runs when the entries
 * have doubled since the last pass (amortized constant time per alert), so they stay within twice the keys that
 * alerted within one period, plus the keys still holding partial matches. Entries are kept in first-alert order,
 * which a snapshot writes and a restore keeps, so a second snapshot of a restored engine has the same bytes.
 *
 * <p><b>Not thread-safe:</b> one per rule runtime.
 */
final class AlertSuppression {
    /** Below this many entries no pass is made. */
    private static final int MIN_PASS = 64;

    /** The period in milliseconds; 0: the rule does not suppress (every alert is emitted, nothing is kept). */
    private final long period;
    /** Key as the engine holds it → the time of its last emitted alert. */
    private final LinkedHashMap<Object, Long> lastEmitted = new LinkedHashMap<>();
    private int nextPass = MIN_PASS;
    /** Alerts suppressed so far. */
    long suppressed;

    AlertSuppression(long period) {
        this.period = period;
    }

    /** True when the alert of {@code key} at {@code time} is to be emitted (and then starts the key's period). */
    boolean admit(Object key, long time) {
        if (period == 0) {
            return true;
        }
        Long last = lastEmitted.get(key);
        if (last != null && time < last + period) {   // an alert before the last emitted one is within its period too
            suppressed++;
            return false;
        }
        if (last == null || time > last) {
            lastEmitted.put(key, time);
        }
        return true;
    }

    /**
     * Forgets the keys whose period is over at {@code watermark} and which {@code holdsState} says hold nothing, once
     * the entries have doubled since the last pass.
     */
    void forgetExpired(long watermark, Predicate<Object> holdsState) {
        if (lastEmitted.size() < nextPass) {
            return;
        }
        for (Iterator<Map.Entry<Object, Long>> it = lastEmitted.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Object, Long> entry = it.next();
            if (entry.getValue() + period <= watermark && !holdsState.test(entry.getKey())) {
                it.remove();
            }
        }
        nextPass = Math.max(MIN_PASS, 2 * lastEmitted.size());
    }

    /** The keys with an entry and the times of their last emitted alerts, in first-alert order (a copy). */
    record Entries(Object[] keys, long[] times) {}

    Entries entries() {
        Object[] keys = new Object[lastEmitted.size()];
        long[] times = new long[keys.length];
        int i = 0;
        for (Map.Entry<Object, Long> entry : lastEmitted.entrySet()) {
            keys[i] = entry.getKey();
            times[i++] = entry.getValue();
        }
        return new Entries(keys, times);
    }

    /** Restores (or takes over) one entry; a later one of the same key replaces it. */
    void restore(Object key, long lastEmittedAt) {
        if (period != 0) {
            lastEmitted.put(key, lastEmittedAt);
        }
    }

    /**
     * Takes over the periods under way of {@code predecessor} (a replaced version of the rule), whether or not the
     * replacement keeps partial matches: the period is this version's. The counter is the caller's business.
     */
    void takeOver(AlertSuppression predecessor) {
        for (Map.Entry<Object, Long> entry : predecessor.lastEmitted.entrySet()) {
            restore(entry.getKey(), entry.getValue());
        }
    }

    /** Entries held now (for tests of the bound). */
    int size() {
        return lastEmitted.size();
    }

    void clear() {
        lastEmitted.clear();
    }
}
