/**
 * The rules server behind {@code vigil serve}: a thin Vert.x shell (HTTP and WebSocket on event loops) around
 * engine {@link dev.vigil.server.Shard}s, each a thread that owns one {@link dev.vigil.nfa.Engine}.
 *
 * <p>Pipeline: {@code POST /v1/events} → {@link dev.vigil.server.EventsApi}, or the {@code /v1/events} WebSocket →
 * {@link dev.vigil.server.EventConnection} (decode on the event loop; the socket pauses while the queue is full) →
 * bounded command queue → {@link dev.vigil.server.Shard} (engine thread) → {@link dev.vigil.server.AlertHub}
 * (back on the event loop: appended to the {@link dev.vigil.server.AlertLog}, counted in the
 * {@link dev.vigil.server.ServerMetrics}) → WebSocket and Server-Sent Events subscribers
 * ({@link dev.vigil.server.AlertChannel}, each with its {@link dev.vigil.server.AlertFilter}) and the rule's sinks
 * ({@link dev.vigil.server.SinkRouter}: webhooks, files, the log, from module {@code connectors}; which sinks a
 * rule may name and gets is the {@link dev.vigil.server.SinkCatalog}'s answer). Rules go
 * {@link dev.vigil.server.RulesApi} (compile on the {@link dev.vigil.server.CompilePool} under the server's compile
 * limits, then register on the event loop) → a deploy command to the shard; {@link dev.vigil.server.RuleReloader}
 * does the same for the rules folder's files when they change.
 * {@link dev.vigil.server.ConfigResolver} builds the {@link dev.vigil.server.ServerConfig} from flags,
 * {@code VIGIL_*} variables and the JSON configuration file.
 *
 * <p>Every request first meets the {@link dev.vigil.server.Authenticator} (bearer tokens and roles, when any are
 * configured); the size limits are {@link dev.vigil.server.ServerConfig} components, answered through
 * {@link dev.vigil.server.Limits}.
 *
 * <p><b>Threading:</b> HTTP handlers, {@link dev.vigil.server.RuleRegistry} and {@link dev.vigil.server.AlertHub}
 * run on the one event loop of the {@link dev.vigil.server.ServerVerticle}; the engine runs only on its shard
 * thread; the two meet only through the shard's bounded queue and {@code Context.runOnContext}.
 */
package dev.vigil.server;
