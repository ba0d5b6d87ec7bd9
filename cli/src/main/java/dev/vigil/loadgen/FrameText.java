package dev.vigil.loadgen;

/**
 * Builds the text of one {@code /v1/events} message: NDJSON events of one stream, then a watermark at the
 * message's timestamp, which releases its events to the engine at once (see the package overview). The buffer is
 * reused from message to message.
 *
 * <p><b>Not thread-safe:</b> owned by one sending connection.
 */
final class FrameText {
    private final StringBuilder text = new StringBuilder(4096);
    private final String eventStart;
    private final String watermarkStart;
    private final String watermarkEnd;

    FrameText(String stream) {
        this.eventStart = "{\"stream\":\"" + stream + "\",\"k\":\"k";
        this.watermarkStart = "{\"watermark\":";
        this.watermarkEnd = ",\"stream\":\"" + stream + "\"}";
    }

    /** Starts a new message. */
    void clear() {
        text.setLength(0);
    }

    /**
     * One event: {@code {"stream":..,"k":"k<key>","t":"<type>","s":<sentNanos>,"ts":<tsMs>}}.
     *
     * @param sentNanos when the message is meant to be sent, in nanoseconds since the run started
     */
    void event(int key, char type, long sentNanos, long tsMs) {
        text.append(eventStart).append(key).append("\",\"t\":\"").append(type).append("\",\"s\":").append(sentNanos)
                .append(",\"ts\":").append(tsMs).append("}\n");
    }

    /** The watermark line {@code {"watermark":<tsMs>,"stream":..}} for this stream. */
    void watermark(long tsMs) {
        text.append(watermarkStart).append(tsMs).append(watermarkEnd);
    }

    /** The message built so far; valid until the next {@link #clear()}. */
    CharSequence text() {
        return text;
    }
}
