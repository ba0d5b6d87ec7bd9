package dev.vigil.nfa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link AlertSuppression}: the admission rule and the bound on what it keeps. */
class AlertSuppressionTest {
    @Test
    void anAlertBeforeTheLastEmittedOneIsWithinItsPeriodToo() {
        AlertSuppression suppression = new AlertSuppression(100);
        assertTrue(suppression.admit("k", 1_000));
        assertFalse(suppression.admit("k", 950), "a timeout older than the emitted match");
        assertFalse(suppression.admit("k", 1_099));
        assertTrue(suppression.admit("k", 1_100));
        assertEquals(2, suppression.suppressed);
    }

    @Test
    void withoutAPeriodNothingIsKept() {
        AlertSuppression none = new AlertSuppression(0);
        assertTrue(none.admit("k", 1));
        assertTrue(none.admit("k", 1));
        assertEquals(0, none.size());
    }

    /** A flood of keys alerting once each: once their periods are over, at most a pass's worth stays. */
    @Test
    void keysWhosePeriodIsOverAndThatHoldNothingAreForgotten() {
        AlertSuppression suppression = new AlertSuppression(100);
        for (int i = 0; i < 100_000; i++) {
            suppression.admit("k" + i, i);
            suppression.forgetExpired(i - 1, key -> key.equals("k5"));   // k5 still holds partial matches
        }
        assertTrue(suppression.size() < 400, "kept " + suppression.size());
        assertTrue(suppression.entries().keys()[0].equals("k5"), "a key holding state keeps its entry");
    }
}
