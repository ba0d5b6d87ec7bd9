package dev.vigil.connectors;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Appends each alert's JSON as one line to a {@link RotatingFile}, from its own writer thread: the caller only
 * enqueues. A write error (disk full, folder removed) drops that alert, is counted, and the next alert tries a
 * fresh file. A file that would lie outside its confining folder (through a symbolic link) is never opened: each
 * alert is then refused and counted ({@link SinkStats#refused}).
 *
 * <p><b>Thread-safe</b> as a {@link Sink}; the file belongs to the writer thread.
 */
final class FileSink extends QueuedLineSink {
    private final RotatingFile file;

    /** @param folder the folder the file must stay in, symbolic links resolved; {@code null}: anywhere */
    FileSink(SinkSpec.File spec, Clock clock, Path folder) {
        super("vigil-sink-file-" + spec.path().getFileName(), spec.queueCapacity());
        this.file = new RotatingFile(spec, clock, folder);
    }

    @Override
    void write(Line line) throws IOException {
        try {
            file.append(line.json());
        } catch (RotatingFile.OutsideFolderException outside) {
            counters.refused.incrementAndGet();
            throw outside;
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
