/**
 * The rules server behind {@code vigil serve}: a thin Vert.x shell (HTTP and WebSocket on event loops) around
 * engine {@link dev.vigil.server.shard.Shard}s, each a thread that owns one {@link dev.vigil.nfa.Engine}.
 *
 * <p>Pipeline: {@code POST /v1/events} → {@link dev.vigil.server.source.EventsApi}, or the {@code /v1/events} WebSocket →
 * {@link dev.vigil.server.source.EventConnection} (decode on the event loop; the socket pauses while the queue is full) →
 * bounded command queue → {@link dev.vigil.server.shard.Shard} (engine thread) → {@link dev.vigil.server.alerts.AlertHub}
 * (back on the event loop: appended to the {@link dev.vigil.server.log.AlertLog}, counted in the
 * {@link dev.vigil.server.metrics.ServerMetrics}) → WebSocket and Server-Sent Events subscribers
 * ({@link dev.vigil.server.alerts.AlertChannel}, each with its {@link dev.vigil.server.log.AlertFilter}) and the rule's sinks
 * ({@link dev.vigil.server.alerts.SinkRouter}: webhooks, files, the log, from module {@code connectors}; which sinks a
 * rule may name and gets is the {@link dev.vigil.server.rules.SinkCatalog}'s answer). Rules go
 * {@link dev.vigil.server.http.RulesApi} (compile on the {@link dev.vigil.server.rules.CompilePool} under the server's compile
 * limits, then register on the event loop) → a deploy command to the shard; {@link dev.vigil.server.rules.RuleReloader}
 * does the same for the rules folder's files when they change.
 * {@link dev.vigil.server.config.ConfigResolver} builds the {@link dev.vigil.server.config.ServerConfig} from flags,
 * {@code VIGIL_*} variables and the JSON configuration file.
 *
 * <p>Every request first meets the {@link dev.vigil.server.http.Authenticator} (bearer tokens and roles, when any are
 * configured); the size limits are {@link dev.vigil.server.config.ServerConfig} components, answered through
 * {@link dev.vigil.server.http.Limits}.
 *
 * <p><b>Threading:</b> HTTP handlers, {@link dev.vigil.server.rules.RuleRegistry} and {@link dev.vigil.server.alerts.AlertHub}
 * run on the one event loop of the {@link dev.vigil.server.http.ServerVerticle}; the engine runs only on its shard
 * thread; the two meet only through the shard's bounded queue and {@code Context.runOnContext}.
 */
package dev.vigil.server;
