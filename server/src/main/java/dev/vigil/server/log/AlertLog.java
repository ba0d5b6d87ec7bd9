package dev.vigil.server.log;

import dev.vigil.connectors.AlertFeed;
import java.util.List;

/**
 * The alerts the server emitted, in emission order, each under an increasing number: what
 * {@code GET /v1/alerts} (the newest), {@code ?since=...} and {@code ?after=<alert id>} read. {@link MemoryAlertLog} keeps the newest
 * alerts in memory; {@code ChronicleAlertLog} also writes every alert to the data folder and reads them back after
 * a restart.
 *
 * <p>Implementations are <b>thread-safe</b>.
 */
public interface AlertLog extends AutoCloseable {
    /**
     * Records an alert and returns its entry, whose number is larger than every number returned before.
     *
     * @param alertId the alert's own id (deterministic, from the engine)
     * @param severity the alert's severity, or null
     * @param key the alert's key as {@link AlertFilter#keyText} renders it, or null
     */
    LoggedAlert append(String alertId, String rule, String severity, String key, long loggedAtMs, String json);

    /** Up to {@code limit} entries numbered above {@code afterId} that pass {@code filter}, oldest first. */
    List<LoggedAlert> afterId(long afterId, int limit, AlertFilter filter);

    /** The number under which the alert with this id was logged, or -1 when it is not among the alerts kept. */
    long numberOf(String alertId);

    /**
     * True when the alert with this id was ever logged (for a durable log, also before a restart): a replayed
     * alert that is already logged is not emitted again.
     */
    boolean contains(String alertId);

    @Override
    default void close() {
    }

    /**
     * The log as log-following sinks read it: every alert by number. For a log in memory, the alerts it still holds;
     * a durable log reads its file, so a sink resumes from any number across restarts.
     */
    default AlertFeed feed() {
        return new RecentAlertsFeed(this);
    }

    /** Up to {@code limit} entries logged at or after {@code sinceMs} that pass {@code filter}, oldest first. */
    List<LoggedAlert> since(long sinceMs, int limit, AlertFilter filter);

    /** The newest {@code limit} entries that pass {@code filter} (fewer when fewer do), oldest first. */
    List<LoggedAlert> newest(int limit, AlertFilter filter);

    /**
     * One alert as logged.
     *
     * @param id the log's sequence number, from 1
     * @param alertId the alert's own id
     * @param loggedAtMs wall-clock time the server emitted the alert (epoch ms)
     * @param json the alert's JSON object, as pushed to subscribers
     * @param severity the alert's severity, or null
     * @param key the alert's key as {@link AlertFilter#keyText} renders it, or null
     */
    record LoggedAlert(long id, String alertId, String rule, long loggedAtMs, String json, String severity,
            String key) {
        boolean passes(AlertFilter filter) {
            return filter.matches(rule, severity, key);
        }
    }
}
