/**
 * The rules: the deployed set ({@link dev.vigil.server.rules.RuleRegistry}, with the stream declarations it holds),
 * the rules folder ({@link dev.vigil.server.rules.RuleDirectory}, reloaded by the
 * {@link dev.vigil.server.rules.RuleReloader}), compilation off the event loop
 * ({@link dev.vigil.server.rules.CompilePool}), which sinks a rule may name
 * ({@link dev.vigil.server.rules.SinkCatalog}), and the door rule changes take effect through
 * ({@link dev.vigil.server.rules.RuleChanges}, the sequencer).
 *
 * <p><b>Threads:</b> the registry on the event loop; compiles on the compile pool; the reloader on a worker.
 */
package dev.vigil.server.rules;
