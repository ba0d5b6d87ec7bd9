package dev.vigil.nfa;

/**
 * A snapshot of one rule's counters in one engine.
 *
 * @param eventsIn events routed to the rule (buffered or processed)
 * @param partialMatches partial matches held now, over all keys
 * @param keys keys with state now
 * @param droppedPartialMatches partial matches dropped by a state bound: beyond the bound per key, with their key
 *     when it was evicted, or when an event passed the work bound
 * @param workBoundTrips events (and advances of time) whose work on a key passed the work bound, each dropping
 *     that key's partial matches: a rule whose cost per event is anomalous
 * @param evaluationErrors expressions that met data of the wrong kind or divided by zero (each yields
 *     null or false, as documented, and the rule goes on)
 * @param evictedKeys keys whose partial matches were dropped because too many keys held some (the bound on keys
 *     per rule or per engine)
 * @param partialMatchesDroppedOnReplace partial matches the rule's previous version held when this version replaced
 *     it with a changed pattern, conditions, key or streams ({@link dev.vigil.nfa.state.Replacement}); a version
 *     that kept them carries the count on
 * @param suppressedAlerts alerts not emitted because an alert of their key came less than the rule's
 *     {@code SUPPRESS FOR} period before (not counted in {@code matches} or {@code timeouts}, which count alerts
 *     emitted)
 * @param windowEventsEvicted events that left a key's windowed-aggregate window before their time because the key
 *     held the most events kept per key ({@code OVER (LAST d)}; the key's aggregates then saw fewer events)
 */
public record RuleCounters(String rule, long eventsIn, long matches, long timeouts, long partialMatches,
        long keys, long droppedPartialMatches, long workBoundTrips, long evaluationErrors, long evictedKeys,
        long partialMatchesDroppedOnReplace, long suppressedAlerts, long windowEventsEvicted) {}
