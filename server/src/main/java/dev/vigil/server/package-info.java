/**
 * The rules server behind {@code vigil serve}. Its packages are its pipeline:
 *
 * <pre>
 *   source ──► sequencer ──► log (ingest) ──► shard ──► alerts ──► subscribers, sinks
 *                  ▲                            │          │
 *   http, rules ───┘ (rule changes)        checkpoint   log (alerts)
 * </pre>
 *
 * <p>{@link dev.vigil.server.source} takes event batches (WebSocket, HTTP); {@link dev.vigil.server.sequencer} numbers,
 * times and routes them and appends them to the ingest log in {@link dev.vigil.server.log}; each
 * {@link dev.vigil.server.shard} thread runs one engine over its slice of the keys; {@link dev.vigil.server.alerts}
 * logs each alert once and pushes it to subscribers and sinks. {@link dev.vigil.server.checkpoint} cuts consistent
 * checkpoints and recovers from them; {@link dev.vigil.server.rules} holds the deployed rules;
 * {@link dev.vigil.server.http} is the HTTP shell; {@link dev.vigil.server.metrics} and
 * {@link dev.vigil.server.config} serve them all. {@link dev.vigil.server.VigilServer}, the only class here, wires
 * them. docs/architecture.md tells the same with threads and ownership.
 */
package dev.vigil.server;
