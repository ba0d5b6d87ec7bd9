package dev.vigil.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;

/**
 * Writes one line per alert to a stream (the server's standard output), from its own thread:
 * {@code 2026-01-01T10:00:00.123Z alert rule=card-testing severity=high key="card-42" id=3f2a...}. The key is
 * printed as JSON (strings quoted, composite keys as arrays) so a line can be parsed back; severity and key are
 * read from the alert's JSON on the sink's thread, never on the caller's.
 *
 * <p><b>Thread-safe</b> as a {@link Sink}; the stream is written by the sink's thread only.
 */
final class LogSink extends QueuedLineSink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Clock clock;
    private final StringBuilder text = new StringBuilder(160);

    LogSink(SinkSpec.Log spec, PrintStream out, Clock clock) {
        super("vigil-sink-log", spec.queueCapacity());
        this.out = out;
        this.clock = clock;
    }

    @Override
    void write(Line line) throws IOException {
        JsonNode alert = JSON.readTree(line.json());
        JsonNode severity = alert.get("severity");
        JsonNode key = alert.get("key");
        text.setLength(0);
        text.append(clock.instant()).append(" alert rule=").append(line.rule())
                .append(" severity=").append(severity == null || severity.isNull() ? "-" : severity.asText())
                .append(" key=").append(key == null || key.isNull() ? "-" : key.toString())
                .append(" id=").append(line.id());
        out.println(text);
        if (out.checkError()) {
            throw new IOException("the log stream reports an error");
        }
    }

    @Override
    void flush() throws IOException {
        out.flush();
    }

    @Override
    void release() {
        out.flush();
    }
}
