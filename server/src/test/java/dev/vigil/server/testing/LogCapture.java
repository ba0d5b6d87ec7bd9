package dev.vigil.server.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * What the server logs while a test runs: attached to the root logger from construction to {@link #close}, it keeps
 * each line's level and formatted message (with the exception's first line, when there is one). Test classes run one
 * after the other, so a capture sees its own test's server (and whatever an earlier test left running says).
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    public LogCapture() {
        setName("capture-" + System.identityHashCode(this));
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        events.add(event);
    }

    /** The messages logged so far, a line each (a message of several lines stays whole). */
    public List<String> messages() {
        List<String> messages = new ArrayList<>();
        for (ILoggingEvent event : events) {
            messages.add(event.getFormattedMessage());
        }
        return messages;
    }

    /** The messages of {@code logger} ({@code "vigil.access"}, or a class's name) so far. */
    public List<String> messages(String logger) {
        List<String> messages = new ArrayList<>();
        for (ILoggingEvent event : events) {
            if (event.getLoggerName().equals(logger)) {
                messages.add(event.getFormattedMessage());
            }
        }
        return messages;
    }

    /** Every message so far as one text, a line each, as a test reads stderr: "LEVEL message". */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : events) {
            text.append(event.getLevel()).append(' ').append(event.getFormattedMessage()).append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
