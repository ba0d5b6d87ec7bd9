package dev.vigil.server.log;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Forces the ingest log's files to disk on a thread of its own, for batches acknowledged only once flushed: every
 * batch waiting when a flush starts is released by that one flush (group commit), so under load the cost is one
 * {@code fdatasync} per group, and the writing thread (the sequencer) never waits for the disk.
 *
 * <p>Why {@code fdatasync} of the file and not Chronicle's {@code ExcerptAppender.sync()}: that call msyncs the
 * appender's current chunk and reads the appender's state, so it belongs to the writing thread (the sequencer).
 * On Linux a memory-mapped file's dirty pages are the file's page cache, which {@code fsync}/{@code fdatasync} of
 * the file writes back like {@code msync} does; forcing the whole file also covers a chunk the writer left behind.
 * A new file is forced with its folder the first time, so its directory entry is durable too.
 *
 * <p>Waiters are released in the order they came, on this thread; a flush that fails fails every waiter and every
 * later one ({@link #failure}): the disk can no longer be trusted, and the server says so instead of acknowledging.
 *
 * <p><b>Thread-safe.</b>
 */
final class GroupCommit implements AutoCloseable {
    private final Object lock = new Object();
    private final Thread thread;
    private ArrayDeque<IngestLog.Durable> waiting = new ArrayDeque<>();
    private final Set<File> filesToForce = new LinkedHashSet<>();
    private final Set<File> known = new LinkedHashSet<>();
    private File current;
    /** The file being written, kept open on the flushing thread: one {@code fdatasync} per group. */
    private FileChannel channel;
    private File currentChannelFile;
    private volatile String failure;
    private boolean closed;
    private long flushes;

    GroupCommit(String name) {
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The file the log now writes to; called by the writer after an append that moved to a new file. */
    void writingTo(File file) {
        synchronized (lock) {
            current = file;
            filesToForce.add(file);
        }
    }

    /** Calls {@code then} after the next flush that starts after this call (on the flushing thread). */
    void whenFlushed(IngestLog.Durable then) {
        String failed;
        synchronized (lock) {
            failed = failure != null ? failure : closed ? "ingest log closed before the flush" : null;
            if (failed == null) {
                waiting.add(then);
                lock.notifyAll();
                return;
            }
        }
        then.done(failed);
    }

    /** Why the log can no longer flush, or {@code null}. */
    String failure() {
        return failure;
    }

    /** Flushes done, for tests and measurements. */
    long flushes() {
        synchronized (lock) {
            return flushes;
        }
    }

    private void run() {
        while (true) {
            ArrayDeque<IngestLog.Durable> group;
            List<File> files;
            File writing;
            synchronized (lock) {
                while (waiting.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException interrupted) {
                        closed = true;
                    }
                }
                if (waiting.isEmpty()) {
                    return;
                }
                group = waiting;
                waiting = new ArrayDeque<>();
                files = new ArrayList<>(filesToForce);
                filesToForce.clear();
                writing = current;
            }
            String failed = failure;
            if (failed == null) {
                try {
                    force(files, writing);
                } catch (IOException | RuntimeException e) {
                    failed = "ingest log flush failed: " + e.getMessage()
                            + "; ingestion stopped, restart the server once the disk is fixed";
                    failure = failed;
                }
            }
            synchronized (lock) {
                flushes++;
            }
            for (IngestLog.Durable waiter : group) {
                waiter.done(failed);
            }
        }
    }

    /** Files new since the last flush (once each, with their folder), then the one being written. */
    private void force(List<File> files, File writing) throws IOException {
        for (File file : files) {
            if (known.add(file)) {
                forceOnce(file);
                forceFolder(file.getParentFile());
            }
        }
        if (writing == null) {
            return;
        }
        if (channel == null || !writing.equals(currentChannelFile)) {
            if (channel != null) {
                channel.close();
            }
            channel = FileChannel.open(writing.toPath(), StandardOpenOption.WRITE);
            currentChannelFile = writing;
        }
        channel.force(false);
    }

    private static void forceOnce(File file) throws IOException {
        try (FileChannel once = FileChannel.open(file.toPath(), StandardOpenOption.WRITE)) {
            once.force(true);
        }
    }

    /** Makes a new file's directory entry durable; a no-op where folders cannot be opened (not Linux). */
    private static void forceFolder(File folder) {
        if (folder == null) {
            return;
        }
        try (FileChannel dir = FileChannel.open(folder.toPath(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException notSupported) {
            // some platforms cannot open a folder as a channel; the file itself was forced
        }
    }

    /** Releases every waiter with a last flush, then stops the thread. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing a read-only use of the file: nothing was lost
        }
    }
}
