package dev.vigil.server.log;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.Wires;
import net.openhft.posix.PosixAPI;

/**
 * Makes sure a log's next record lands on disk space the file system has already given the file, before it is
 * written: a write through a memory map into a page the file system cannot back (the disk is full) does not fail,
 * it raises SIGBUS, which the JVM turns into an {@code InternalError} thrown at a later, unrelated point of the
 * writing thread, after the record was counted as written and possibly acknowledged. Measured on a full tmpfs
 * before this class: 70,400 of 130,500 acknowledged events missing from the ingest log, Chronicle's own state
 * broken by errors thrown in its locks. No {@code catch} at the write can stop that; only never faulting can.
 *
 * <p>How: before each record, the writer asks for room for the record's exact length plus {@link #MARGIN_BYTES}
 * (Chronicle's header and an index array it may add) beyond the end of the data, and this class allocates the
 * file's blocks that far with {@code fallocate(FALLOC_FL_KEEP_SIZE)} in steps of {@link #STEP_BYTES} (one system
 * call per step, not per record). Allocating is a system call that fails with {@code ENOSPC} instead of faulting,
 * so a full disk becomes an {@link IOException} and the record is not written; asking again after space returns
 * succeeds. Allocated blocks stay the file's when Chronicle later grows the file over them, and allocating blocks
 * the file already has changes nothing, so the first request for a file may start at offset 0.
 *
 * <p>What it cannot cover: a file Chronicle creates inside the write (the first record, and every roll to a new
 * cycle file) does not exist yet when the room is asked for, so then the file system's usable space is checked for
 * {@link #NEW_FILE_BYTES} more than the record instead (another process filling the disk in between can still win
 * that race); and where {@code fallocate} is not supported (not Linux, or a file system without it) every request
 * falls back to that usable-space check.
 *
 * <p><b>Thread-safe</b> ({@link #allocatedUpTo} from the page toucher, the rest from the writer).
 */
public final class LogSpace implements AutoCloseable {
    /** Beyond a record's own bytes: Chronicle's 4-byte header and padding, and an index array it may append. */
    static final long MARGIN_BYTES = 256L << 10;
    /** Blocks are allocated this far ahead at a time, so most records need no system call. */
    static final long STEP_BYTES = 8L << 20;
    /** The usable space a new cycle file needs besides its first record (its header and first index arrays). */
    static final long NEW_FILE_BYTES = 1L << 20;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int O_RDWR = 2;
    private static final int ENOSPC = 28;
    private static final int EOPNOTSUPP = 95;

    private final String log;
    private final PosixAPI posix;
    private File file;
    private int fd = -1;
    private volatile long allocated;
    private volatile File allocatedFile;
    private boolean unsupported;
    private volatile String failure;
    /** What the last failed request asked for, to ask again ({@link #retry}): a file and an end, or a folder. */
    private File retryFile;
    private long retryUpTo;
    private long retryBytes;

    /** Room for the log named {@code log} (in messages: "ingest log", "alert log"). */
    public LogSpace(String log) {
        this.log = log;
        PosixAPI api;
        try {
            api = PosixAPI.posix();
        } catch (RuntimeException | LinkageError none) {
            api = null;   // no native access on this platform: the usable-space check only
        }
        this.posix = api;
        this.unsupported = api == null || !System.getProperty("os.name", "").toLowerCase().contains("linux");
    }

    /**
     * Makes room for a record of {@code bytes} as {@code appender}'s next one, or throws with the reason (nothing
     * should then be written). Called by the log's single writer.
     */
    public synchronized void ensure(ExcerptAppender appender, long bytes) throws IOException {
        File current = appender.currentFile();
        Wire wire = appender.wire();
        if (current == null || wire == null || rollDue(appender)) {
            request(appender.queue().file(), 0, bytes + NEW_FILE_BYTES + MARGIN_BYTES);
            return;
        }
        long upTo = end(wire.bytes()) + bytes + MARGIN_BYTES;
        if (current.equals(allocatedFile) && upTo <= allocated) {
            return;
        }
        request(current, upTo, bytes + MARGIN_BYTES);
    }

    /**
     * Asks again for the room the last request failed to get (the disk may have space again); true when there is
     * room now, or no request failed. Cheap while nothing failed: a volatile read.
     */
    public boolean retry() {
        if (failure == null) {
            return true;
        }
        synchronized (this) {
            try {
                request(retryFile, retryUpTo, retryBytes);
                return true;
            } catch (IOException still) {
                return false;
            }
        }
    }

    /** Allocates {@code file} up to {@code upTo}, or ({@code upTo} 0) checks that {@code file}'s file system has
     *  {@code bytes} usable; remembers a failure for {@link #retry}. */
    private void request(File target, long upTo, long bytes) throws IOException {
        try {
            if (upTo == 0) {
                checkUsable(target, bytes);
            } else {
                allocate(target, upTo, bytes);
            }
            failure = null;
        } catch (IOException full) {
            retryFile = target;
            retryUpTo = upTo;
            retryBytes = bytes;
            failure = full.getMessage();
            throw full;
        }
    }

    /** Allocates all of {@code whole} (a small metadata file) if it can; a no-op where that is not supported. */
    public void allocateWhole(File whole) {
        if (unsupported || !whole.isFile()) {
            return;
        }
        int handle = posix.open(whole.getPath(), O_RDWR, 0);
        if (handle >= 0) {
            posix.fallocate(handle, FALLOC_FL_KEEP_SIZE, 0, whole.length());   // best effort: used since creation
            posix.close(handle);
        }
    }

    /** How far {@code of}'s blocks are allocated (0 when another file's are): where its pages may be touched. */
    public long allocatedUpTo(File of) {
        File allocatedOf = allocatedFile;
        return of != null && of.equals(allocatedOf) ? allocated : 0;
    }

    /** Why the last request failed, or {@code null} after one succeeded. */
    public String failure() {
        return failure;
    }

    private void allocate(File current, long upTo, long needed) throws IOException {
        if (!current.equals(file)) {
            closeFile();
            file = current;
            allocated = 0;
            allocatedFile = null;
        }
        if (unsupported) {
            checkUsable(current.getParentFile(), needed);
            return;
        }
        if (fd < 0) {
            fd = posix.open(current.getPath(), O_RDWR, 0);
            if (fd < 0) {
                throw new IOException(log + " cannot open " + current + " to allocate space: "
                        + posix.lastErrorStr());
            }
        }
        long from = allocated;
        long stepped = Math.max(upTo, from + STEP_BYTES);
        if (posix.fallocate(fd, FALLOC_FL_KEEP_SIZE, from, stepped - from) != 0) {
            int errno = posix.lastError();
            if (errno == EOPNOTSUPP) {
                unsupported = true;   // this file system allocates on write only: check its usable space instead
                checkUsable(current.getParentFile(), needed);
                return;
            }
            // a whole step may not fit where the record still does
            if (errno != ENOSPC || posix.fallocate(fd, FALLOC_FL_KEEP_SIZE, from, upTo - from) != 0) {
                throw new IOException(log + " write refused: no space for " + (upTo - from) + " more bytes in "
                        + current + ": " + posix.strerror(posix.lastError()));
            }
            stepped = upTo;
        }
        allocated = stepped;
        allocatedFile = current;
    }

    private void checkUsable(File folder, long bytes) throws IOException {
        long usable = Files.getFileStore(folder.toPath()).getUsableSpace();
        if (usable < bytes) {
            throw new IOException(log + " write refused: " + folder + " has " + usable + " bytes free, the write "
                    + "needs " + bytes);
        }
    }

    /**
     * Where the file's data ends: the appender's position, which after a write is the end of its record, but in an
     * appender just opened on an existing file is the start of the last record (whose header gives its length).
     * The page read is one the data or an earlier request of this log already holds.
     */
    private static long end(Bytes<?> data) {
        long position = data.writePosition();
        int header = data.readVolatileInt(position);
        return header == 0 ? position : position + Integer.BYTES + Wires.lengthOf(header);
    }

    /** True when the next write opens a new cycle file (the clock passed into the next hour or day). */
    private static boolean rollDue(ExcerptAppender appender) {
        ChronicleQueue queue = appender.queue();
        return queue instanceof SingleChronicleQueue single && single.cycle() != appender.cycle();
    }

    private void closeFile() {
        if (fd >= 0) {
            posix.close(fd);
            fd = -1;
        }
    }

    @Override
    public synchronized void close() {
        closeFile();
    }
}
