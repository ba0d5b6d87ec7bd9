package dev.vigil.nfa;

/**
 * An event that arrived at or below its stream's watermark and so cannot be placed in event-time order.
 * Late events are never dropped silently: the engine hands them to its listener and counts them.
 *
 * @param watermark the stream's watermark when the event arrived
 * @param reason a sentence a user can read, naming the timestamp and the watermark
 */
public record LateEvent(Event event, long watermark, String reason) {}
