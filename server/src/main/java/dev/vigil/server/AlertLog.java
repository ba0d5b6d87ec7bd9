package dev.vigil.server;

import java.util.List;

/**
 * The alerts the server emitted, in emission order, each under an increasing id: what
 * {@code GET /v1/alerts?since=...} reads. This is the seam the durability issue replaces with a durable log; the
 * in-memory {@link MemoryAlertLog} forgets the oldest alerts beyond its capacity.
 *
 * <p>Implementations are <b>thread-safe</b>.
 */
interface AlertLog {
    /** Records an alert and returns its entry, whose id is larger than every id returned before. */
    LoggedAlert append(String rule, long loggedAtMs, String json);

    /** Up to {@code limit} entries with an id above {@code afterId}, oldest first; {@code rule} null: every rule. */
    List<LoggedAlert> afterId(long afterId, int limit, String rule);

    /** Up to {@code limit} entries logged at or after {@code sinceMs}, oldest first; {@code rule} null: every rule. */
    List<LoggedAlert> since(long sinceMs, int limit, String rule);

    /**
     * One alert as logged.
     *
     * @param id the log's sequence number, from 1
     * @param loggedAtMs wall-clock time the server emitted the alert (epoch ms)
     * @param json the alert's JSON object, as pushed to subscribers
     */
    record LoggedAlert(long id, String rule, long loggedAtMs, String json) {}
}
