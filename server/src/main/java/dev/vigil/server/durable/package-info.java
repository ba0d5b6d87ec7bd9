/**
 * The server's durable logs, on Chronicle Queue in the data folder: the ingest log records every accepted batch
 * (numbered events and the watermarks sent with them) before it is acknowledged, so what the shards were given
 * can be replayed after a crash.
 *
 * <p>Around the ingest log's writer (the event loop, under the ingest lock) three helpers each run a thread of their
 * own so the event loop never waits for the disk: {@link dev.vigil.server.durable.GroupCommit} forces the file to
 * disk for batches acknowledged after a flush, {@link dev.vigil.server.durable.PageToucher} faults pages in ahead
 * of the writer, and {@link dev.vigil.server.durable.DiskReserve} pauses ingestion while the data folder is below
 * its free-space reserve. {@link dev.vigil.server.durable.LogSpace} allocates each log's disk space before a record
 * is written into the memory map, so a full disk refuses the write instead of faulting.
 */
package dev.vigil.server.durable;
