package dev.vigil.connectors;

import java.io.IOException;
import java.time.Clock;

/**
 * Appends each alert's JSON as one line to a {@link RotatingFile}, from its own writer thread: the caller only
 * enqueues. A write error (disk full, folder removed) drops that alert, is counted, and the next alert tries a
 * fresh file.
 *
 * <p><b>Thread-safe</b> as a {@link Sink}; the file belongs to the writer thread.
 */
final class FileSink extends QueuedLineSink {
    private final RotatingFile file;

    FileSink(SinkSpec.File spec, Clock clock) {
        super("vigil-sink-file-" + spec.path().getFileName(), spec.queueCapacity());
        this.file = new RotatingFile(spec, clock);
    }

    @Override
    void write(Line line) throws IOException {
        try {
            file.append(line.json());
        } catch (IOException e) {
            closeQuietly();
            throw e;
        }
    }

    @Override
    void flush() throws IOException {
        file.flush();
    }

    @Override
    void tick() throws IOException {
        file.rotateIfOld();
    }

    @Override
    void release() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            file.close();
        } catch (IOException e) {
            counters.failed(e.toString());
        }
    }
}
