package dev.vigil.nfa.runtime;

import dev.vigil.nfa.match.PartialMatches;

/**
 * Everything one rule holds for one partition key: the NFA's partial matches, how many of the key's events
 * still wait for the watermark, and the earliest timer scheduled for it. A key with no partial matches and no
 * waiting events is removed from its table, so an idle key costs nothing.
 *
 * <p><b>Not thread-safe:</b> owned by one rule runtime.
 */
final class KeyState {
    final Object key;
    final PartialMatches partialMatches;
    int waitingEvents;
    long scheduledDeadline = Long.MAX_VALUE;
    /** The time the key's NFA was last advanced to, so that each timestamp advances it once. */
    long advancedTo = Long.MIN_VALUE;
    /** The release round in which the key last received events. */
    long round;

    KeyState(Object key, PartialMatches partialMatches) {
        this.key = key;
        this.partialMatches = partialMatches;
    }
}
