/**
 * Stage 3 and 5, the logs: the ingest log (every accepted batch and rule change, in the sequencer order: what
 * recovery replays) and the alert log (every alert, once: what history and resumed subscribers read), each in memory
 * ({@link dev.vigil.server.log.MemoryIngestLog}, {@link dev.vigil.server.log.MemoryAlertLog}) or in Chronicle Queue
 * files ({@link dev.vigil.server.log.ChronicleIngestLog}, {@link dev.vigil.server.log.ChronicleAlertLog}); with the
 * group commit that makes batches durable ({@link dev.vigil.server.log.GroupCommit}), the free-space reserve
 * ({@link dev.vigil.server.log.DiskReserve}, {@link dev.vigil.server.log.LogSpace}), retention
 * ({@link dev.vigil.server.log.LogRetention}), and the lock that gives a data folder one server
 * ({@link dev.vigil.server.log.DataFolderLock}).
 *
 * <p><b>Threads:</b> appends on the sequencer caller; flushes on the group-commit thread; reads anywhere.
 */
package dev.vigil.server.log;
