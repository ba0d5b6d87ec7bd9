package dev.vigil.nfa;

/** What became of an event handed to {@link Engine#offer}. Expected outcomes are values, not exceptions. */
public enum Offer {
    /** Buffered (event time) or processed (processing time) by every rule that reads its stream. */
    ACCEPTED,
    /** At or below its stream's watermark: reported to the listener as a {@link LateEvent}, not matched. */
    LATE,
    /** No deployed rule reads the event's stream; counted, nothing else happens. */
    UNROUTED
}
