/**
 * The HTTP shell: {@link dev.vigil.server.http.ServerVerticle} holds the routes, one per line; the {@code *Api}
 * classes translate requests into registry, sequencer, log and checkpoint calls, and questions about keys into
 * questions to the shards ({@link dev.vigil.server.http.ShardQuestions}); every request first meets the
 * strict-protocol checks ({@link dev.vigil.server.http.StrictRequests}), the cross-site guard
 * ({@link dev.vigil.server.http.CrossSiteGuard}) and the {@link dev.vigil.server.http.Authenticator}, and each route
 * its query check ({@link dev.vigil.server.http.QueryParameters}); errors answer as JSON problems
 * ({@link dev.vigil.server.http.Problems}, {@link dev.vigil.server.http.Limits}), a 405 and {@code OPTIONS} with the
 * methods the path takes ({@link dev.vigil.server.http.AllowedMethods}).
 *
 * <p><b>Threads:</b> the event loop; blocking work (backtests, savepoints) on workers.
 */
package dev.vigil.server.http;
