package dev.vigil.server.config;

import dev.vigil.server.log.AckAfter;

/**
 * How the server keeps what it acknowledged: in the data folder's logs ({@code durability: log}) or in memory only
 * ({@code none}: nothing survives a restart; for comparisons and tests), when a batch is acknowledged
 * ({@code ackAfter}), and the free space below which ingestion pauses ({@code minFreeDiskMb}, 0: only once the disk
 * is full; either way a batch the log cannot hold is refused, never acknowledged: see {@code LogSpace}).
 *
 * @param logs true to keep the ingest and alert logs in the data folder
 * @param ackAfter after the ingest log's write, or after its flush to disk
 * @param minFreeDiskMb the data folder's free-space reserve in MiB; 0 turns the early pause off
 */
public record Durability(boolean logs, AckAfter ackAfter, long minFreeDiskMb) {
    public static final long DEFAULT_MIN_FREE_DISK_MB = 512;
    public static final Durability DEFAULT = new Durability(true, AckAfter.WRITE, DEFAULT_MIN_FREE_DISK_MB);

    public Durability {
        if (ackAfter == null) {
            throw new IllegalArgumentException("ackAfter is write or flush, not null");
        }
        if (minFreeDiskMb < 0) {
            throw new IllegalArgumentException("min free disk " + minFreeDiskMb + " MB < 0");
        }
    }

    /** The configuration's spelling of {@link #logs}. */
    public String key() {
        return logs ? "log" : "none";
    }
}
