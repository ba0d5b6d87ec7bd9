package dev.vigil.connectors;

import java.util.Set;

/**
 * A sink that reads its alerts from the server's alert log ({@link AlertFeed}) rather than from {@link #offer}, so
 * that it can resume after the last alert it delivered, across restarts: {@link #offer} only wakes it. Its caller
 * tells it which rules' alerts to send, and when to begin.
 *
 * <p><b>Thread-safe.</b>
 */
public interface LogFollowingSink extends Sink {
    /** From now on, send the alerts of these rules (as they are read from the log). */
    void sendRules(Set<String> rules);

    /**
     * Begins reading the log. The server calls it once recovery is over, when the rules that will run are known;
     * alerts logged meanwhile are read then.
     */
    void start();
}
