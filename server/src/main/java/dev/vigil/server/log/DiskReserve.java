package dev.vigil.server.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ingestion off a nearly full disk: a background probe reads the data folder's usable space every
 * {@link #PROBE_MS} ms, and below the reserve ({@code minFreeDiskMb}) the ingest log refuses batches with
 * {@link #refusal} until space returns, when it takes them again by itself.
 *
 * <p>Why before the disk is full, although a write the disk cannot hold is refused anyway ({@link LogSpace}): a
 * pause said in advance, with a reason on {@code /ready}, is easier to act on than refusals, and the reserve keeps
 * room for what should not be refused: rule changes, alerts and checkpoints. A reserve of 0 turns the early pause
 * off; the logs then refuse writes only once their disk is full, and nothing acknowledged is lost either way.
 *
 * <p><b>Thread-safe:</b> the probe writes one volatile field; any thread reads it.
 */
public final class DiskReserve implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskReserve.class);

    /** How often the free space is read. */
    public static final long PROBE_MS = 250;
    private static final long MB = 1L << 20;

    /** Reads a folder's usable space: the file system's, or a test's. */
    @FunctionalInterface
    public interface FreeSpace {
        long usableBytes(Path folder) throws IOException;

        /** The file store's usable space (the space this process may write, after the root reserve). */
        FreeSpace FILE_SYSTEM = folder -> Files.getFileStore(folder).getUsableSpace();
    }

    private final Path folder;
    private final long reserveBytes;
    private final FreeSpace freeSpace;
    private final ScheduledExecutorService probe;
    private volatile String refusal;
    private volatile long usableBytes = -1;
    private String lastProbeError;

    private DiskReserve(Path folder, long reserveMb, FreeSpace freeSpace) {
        this.folder = folder;
        this.reserveBytes = reserveMb * MB;
        this.freeSpace = freeSpace;
        this.probe = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "vigil-disk-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Probes {@code folder} now (a server started on a full disk starts paused), then every {@link #PROBE_MS} ms.
     * A reserve of 0 turns the check off.
     */
    public static DiskReserve watch(Path folder, long reserveMb, FreeSpace freeSpace) {
        DiskReserve reserve = new DiskReserve(folder, reserveMb, freeSpace);
        if (reserveMb > 0) {
            reserve.probe();
            reserve.probe.scheduleWithFixedDelay(reserve::probe, PROBE_MS, PROBE_MS, TimeUnit.MILLISECONDS);
        }
        return reserve;
    }

    /** Why ingestion is paused ({@code "data folder ... below the ... reserve ..."}), or {@code null}. */
    public String refusal() {
        return refusal;
    }

    /** The usable space last read, -1 before the first read or when the check is off. */
    public long usableBytes() {
        return usableBytes;
    }

    private void probe() {
        long usable;
        try {
            usable = freeSpace.usableBytes(folder);
        } catch (IOException | RuntimeException e) {
            // cannot tell: keep the last state, and say so once rather than every 250 ms
            String message = String.valueOf(e.getMessage());
            if (!message.equals(lastProbeError)) {
                lastProbeError = message;
                LOG.warn("cannot read the free space of data folder " + folder + ": " + message);
            }
            return;
        }
        lastProbeError = null;
        usableBytes = usable;
        if (usable < reserveBytes) {
            String why = "data folder " + folder + " has " + usable / MB + " MB free, below the " + reserveBytes / MB
                    + " MB reserve (minFreeDiskMb): ingestion paused until space returns";
            if (refusal == null) {
                LOG.warn(why);
            }
            refusal = why;
        } else if (refusal != null) {
            // Said before ingestion resumes, as the pause is said before it starts: whoever sees the server ready
            // again finds the message already written.
            LOG.info("data folder " + folder + " has " + usable / MB + " MB free again: ingestion resumed");
            refusal = null;
        }
    }

    @Override
    public void close() {
        probe.shutdownNow();
    }
}
