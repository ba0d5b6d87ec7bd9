/**
 * The ingest side of the server's pipeline (source → ingest log → shards), as plain single-threaded logic: event
 * time per source and stream ({@link dev.vigil.server.ingest.WatermarkTracker}), which shards need an event
 * ({@link dev.vigil.server.ingest.Routing}), and the seam of the ingest log ({@link dev.vigil.server.ingest.IngestLog}).
 * The server's {@code Ingest} drives them under one lock.
 */
package dev.vigil.server.ingest;
