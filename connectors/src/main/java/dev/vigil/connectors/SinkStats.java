package dev.vigil.connectors;

/**
 * A snapshot of a sink's counters. Every offered alert ends up delivered or dropped, or is still queued:
 * {@code offered == delivered + dropped + queued}.
 *
 * @param delivered alerts the receiver took (a 2xx answer; a line written and flushed)
 * @param failed failed attempts: connection errors, timeouts, non-2xx answers, write errors
 * @param retries attempts that repeated an earlier failed one
 * @param dropped alerts given up: refused by a full queue or a closed sink, refused by the receiver (4xx other
 *     than 429), out of retries, or unwritable
 * @param queued alerts accepted and not yet delivered or dropped (waiting, in flight, or waiting to retry)
 * @param lastError the latest failure, for people (status pages), or {@code null}
 * @param refused alerts not sent because the sink's target lies outside what it may reach (a webhook host that
 *     resolved to a denied address, a file reached through a symbolic link out of its folder); each is also
 *     counted as failed and dropped
 */
public record SinkStats(long delivered, long failed, long retries, long dropped, int queued, String lastError,
        long refused) {
    public SinkStats {
        if (delivered < 0 || failed < 0 || retries < 0 || dropped < 0 || queued < 0 || refused < 0) {
            throw new IllegalArgumentException("negative sink counter in " + delivered + "/" + failed + "/" + retries
                    + "/" + dropped + "/" + queued + "/" + refused);
        }
    }

    /** Counters of a sink that refused nothing. */
    public SinkStats(long delivered, long failed, long retries, long dropped, int queued, String lastError) {
        this(delivered, failed, retries, dropped, queued, lastError, 0);
    }
}
