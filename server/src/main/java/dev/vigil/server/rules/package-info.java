/**
 * The rules: the running set, one immutable value ({@link dev.vigil.server.rules.RuleSet}, with the stream
 * declarations it holds) found at one reference ({@link dev.vigil.server.rules.RuleRegistry}),
 * the rules folder ({@link dev.vigil.server.rules.RuleDirectory}, reloaded by the
 * {@link dev.vigil.server.rules.RuleReloader}), compilation off the event loop
 * ({@link dev.vigil.server.rules.CompilePool}), which sinks a rule may name
 * ({@link dev.vigil.server.rules.SinkCatalog}), the door rule changes take effect through
 * ({@link dev.vigil.server.rules.RuleChanges}, the sequencer), and the streams and fields events have had
 * ({@link dev.vigil.server.rules.SeenStreams}), of which rules on schemaless streams are warned
 * ({@link dev.vigil.server.rules.RuleWarnings}), and the versions every rule had
 * ({@link dev.vigil.server.rules.RuleHistory}: read from the ingest log at start, then told of every change).
 *
 * <p><b>Threads:</b> the running set is read by any thread and swapped by the sequencer; changes are computed on
 * the event loop, one at a time; compiles on the compile pool; the reloader on a worker; seen names are learnt on
 * the threads that decode events.
 */
package dev.vigil.server.rules;
