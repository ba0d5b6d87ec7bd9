package dev.vigil.server.log;

/**
 * When the server acknowledges a batch of events, as configured ({@code ackAfter}).
 *
 * <ul>
 *   <li>{@link #WRITE}: once the batch is written to the ingest log's memory-mapped file. It survives the server
 *       process being killed (the operating system holds the pages and writes them back), not a power cut or a
 *       kernel crash in the few seconds before write-back.
 *   <li>{@link #FLUSH}: once the file's pages holding the batch are forced to disk ({@code fdatasync}). It also
 *       survives a power cut. Batches waiting together share one flush (group commit), so the cost is one disk
 *       flush per group, not per batch.
 * </ul>
 */
public enum AckAfter {
    WRITE,
    FLUSH;

    /** The configuration's spelling: {@code write} or {@code flush}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
