package dev.vigil.server.log;

import java.io.File;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Touches the pages of a queue file ahead of its writer, on a thread of its own, so the writer (the sequencer for
 * the ingest log, the event loop for the alert log) finds them already backed by the file system instead of taking
 * the page faults itself. Measured on this
 * project's machine (ext4), the first write into fresh pages of a memory-mapped queue file stalled the writer for
 * 20 to 90 ms about every 8 MB; Chronicle Queue's own pretoucher ({@code ExcerptAppender.pretouch}) is an
 * Enterprise feature, a no-op here.
 *
 * <p>How: the toucher maps the file itself and, for each 4 KiB page between the writer's position and
 * {@link #AHEAD_BYTES} beyond it (never past the file's current end, which Chronicle extends as it maps chunks),
 * compares-and-sets the page's first word from 0 to 0. That write makes the kernel allocate and dirty the page, and
 * it cannot change the file: a word the writer already wrote is not 0, and the atomic compare-and-set never
 * overwrites it.
 *
 * <p><b>Thread-safe:</b> {@link #wrote} from the writer (two volatile writes), the rest on the toucher's thread.
 */
public final class PageToucher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageToucher.class);

    /** {@code -Dvigil.pretouch=false} turns page touching off, to measure what it saves. */
    public static final boolean ENABLED = !"false".equals(System.getProperty("vigil.pretouch"));
    /** How far ahead of the writer pages are touched: a few hundred milliseconds of writing at full speed. */
    static final long AHEAD_BYTES = 16L << 20;
    private static final long PAGE = 4096;
    private static final long WINDOW_BYTES = 64L << 20;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.nativeOrder());

    private final Thread thread;
    private final LogSpace space;
    private volatile File file;
    private volatile long position;
    private volatile boolean closed;

    /**
     * Starts the toucher's thread, named {@code name}, touching only pages {@code space} has allocated (a page the
     * file system cannot back would fault); trouble (it then stops) is logged.
     */
    public PageToucher(String name, LogSpace space) {
        this.space = space;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The writer wrote {@code file} up to {@code position} (the byte offset after its last record). */
    public void wrote(File written, long writtenUpTo) {
        if (written != file) {
            file = written;
        }
        position = writtenUpTo;
    }

    private void run() {
        File current = null;
        FileChannel channel = null;
        MappedByteBuffer window = null;
        long windowStart = 0;
        long touched = 0;
        try {
            while (!closed) {
                File writing = file;
                if (writing == null) {
                    LockSupport.parkNanos(IDLE_NANOS);
                    continue;
                }
                if (writing != current) {
                    if (channel != null) {
                        channel.close();
                    }
                    channel = FileChannel.open(writing.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                    current = writing;
                    window = null;
                    touched = 0;
                }
                long from = Math.max(touched, position & -PAGE);
                long to = Math.min(Math.min(position + AHEAD_BYTES, channel.size()), space.allocatedUpTo(current))
                        & -PAGE;
                if (from >= to) {
                    LockSupport.parkNanos(IDLE_NANOS);
                    continue;
                }
                for (long page = from; page < to && !closed; page += PAGE) {
                    if (window == null || page < windowStart || page + Long.BYTES > windowStart + window.capacity()) {
                        windowStart = page;
                        window = channel.map(FileChannel.MapMode.READ_WRITE, page,
                                Math.min(WINDOW_BYTES, channel.size() - page));
                    }
                    LONGS.compareAndSet(window, (int) (page - windowStart), 0L, 0L);
                    touched = page + PAGE;
                }
            }
        } catch (IOException | RuntimeException | InternalError e) {
            // only an optimisation: the writer faults its pages in itself from now on
            LOG.warn("ingest log page toucher stopped: {}", e.toString());
        } finally {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // nothing written through the channel itself
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
