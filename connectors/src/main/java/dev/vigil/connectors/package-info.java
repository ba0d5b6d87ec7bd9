/**
 * Alert sinks: where a rule's alerts go besides the server's own alert log and live subscribers. The last
 * stage of the pipeline (source, ingest log, shards, alert log, subscribers <b>and sinks</b>).
 *
 * <p>A {@link dev.vigil.connectors.Sink} takes an alert as its id, rule and rendered JSON and returns at once:
 * every sink has a bounded queue, and a full queue drops the alert and counts it, so a slow or failing receiver
 * never slows the engine or another sink. Four kinds, described by an immutable
 * {@link dev.vigil.connectors.SinkSpec} and opened by {@link dev.vigil.connectors.Sinks#open}:
 * <ul>
 *   <li>webhook: an HTTP POST per alert with a Vert.x {@code HttpClient} on the caller's event loop, retried with
 *       exponential backoff; the alert id is the {@code Idempotency-Key}, so delivery is at least once;</li>
 *   <li>file: NDJSON appended by the sink's own writer thread, rotated by size and age;</li>
 *   <li>log: one line per alert on a stream (the server's standard output), from its own thread;</li>
 *   <li>kafka: a record per alert in a topic, exactly once across crashes: a {@link dev.vigil.connectors.LogFollowingSink}
 *       that reads the server's alert log ({@link dev.vigil.connectors.AlertFeed}) from where the topic says it
 *       stopped, in transactions, on its own thread; {@code offer} only wakes it.</li>
 * </ul>
 * {@link dev.vigil.connectors.SinkDeclarations} reads sink declarations of a JSON configuration file, their durations
 * as {@link dev.vigil.connectors.Durations} reads every duration setting of Vigil (the server's and the command
 * line's too, which depend on this module). A sink named
 * in rule text is opened with a {@link dev.vigil.connectors.Confinement}: its file stays in one folder, its webhook
 * connects only to addresses {@link dev.vigil.connectors.WebhookHosts} allows.
 *
 * <p>Called by the server's {@code SinkRouter}; depends on Vert.x core, Jackson and kafka-clients only (never on the server, the
 * engine or the language). <b>Threading:</b> {@code offer} and {@code stats} from any thread; see each sink.
 */
package dev.vigil.connectors;
