package dev.vigil.wire;

import java.util.regex.Pattern;

/**
 * The name a client gives a batch of events so that the server takes it once however often it is sent:
 * {@code <producer>:<sequence>}, written {@code {"batch": "p:7", "events": [...]}} on the {@code /v1/events}
 * WebSocket and {@code X-Vigil-Batch: p:7} on {@code POST /v1/events}. The producer is a short name that stays the
 * same across the client's restarts; the sequence grows with every batch it sends. The server acknowledges a batch
 * whose sequence is at or below the highest it took from that producer as a duplicate, without taking it again,
 * and names the batch's events after it (so a resend after a crash gives the same alert ids).
 *
 * @param producer 1 to 64 letters, digits, {@code .}, {@code _}, {@code :} or {@code -} (as a source name)
 * @param sequence from 0
 */
public record BatchId(String producer, long sequence) {
    /** What a producer id may look like: it shows up in logs, metrics and {@code /v1/producers/<id>}. */
    public static final Pattern PRODUCER = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** What a producer id may hold, for messages. */
    public static final String PRODUCER_RULE = "1 to 64 letters, digits, '.', '_', ':' or '-'";

    public BatchId {
        if (producer == null || !PRODUCER.matcher(producer).matches()) {
            throw new IllegalArgumentException("a batch's producer must be " + PRODUCER_RULE + ", got '" + producer
                    + "'");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("a batch's sequence must be 0 or more, got " + sequence);
        }
    }

    /**
     * Reads {@code <producer>:<sequence>} (split at the last colon: producers may hold colons).
     *
     * @throws IllegalArgumentException saying what is wrong, for the sender
     */
    public static BatchId parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a batch id is <producer>:<sequence>, e.g. \"sender-1:0\"; got \""
                    + cut(text) + "\"");
        }
        String digits = text.substring(colon + 1);
        long sequence;
        try {
            sequence = digits.isEmpty() || digits.charAt(0) == '+' || digits.charAt(0) == '-' ? -1
                    : Long.parseLong(digits);
        } catch (NumberFormatException notANumber) {
            sequence = -1;
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("the sequence of batch id \"" + cut(text)
                    + "\" must be a whole number from 0 to " + Long.MAX_VALUE);
        }
        return new BatchId(text.substring(0, colon), sequence);
    }

    private static String cut(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    @Override
    public String toString() {
        return producer + ":" + sequence;
    }
}
