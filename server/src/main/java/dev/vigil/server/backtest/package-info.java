/**
 * Backtest: replays the recorded ingest log through one fresh engine holding only candidate rules (a deployed rule
 * or new text) and reports the alerts they would have produced, without touching the live shards, the alert log or
 * any sink. {@link dev.vigil.server.backtest.Backtest} is the replay; {@link dev.vigil.server.backtest.LoggedRule}
 * finds a rule's latest deployment in the log (for {@code vigil backtest --rule NAME}, which has no server to ask);
 * {@link dev.vigil.server.backtest.TimeRange} is the range of event time replayed.
 *
 * <p>Called by the server's {@code POST /v1/backtest} (on a worker thread, never an event loop) and by
 * {@code vigil backtest} (offline, on a data folder a server may be using). A backtest runs on the thread that calls
 * it and owns everything it builds.
 */
package dev.vigil.server.backtest;
