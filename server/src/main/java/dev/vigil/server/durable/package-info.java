/**
 * The server's durable logs, on Chronicle Queue in the data folder: the ingest log records every accepted batch
 * (numbered events and the watermarks sent with them) before it is acknowledged, so what the shards were given
 * can be replayed after a crash.
 */
package dev.vigil.server.durable;
