/**
 * Stage 6, alert fan-out: the {@link dev.vigil.server.alerts.AlertHub} takes the shards' alerts onto the event loop
 * ({@link dev.vigil.server.alerts.AlertHandoff}), logs each once in the alert log, and pushes it to the live
 * subscribers ({@link dev.vigil.server.alerts.AlertChannel}: WebSocket and Server-Sent Events) and to the rule's
 * sinks ({@link dev.vigil.server.alerts.SinkRouter}: webhooks, files, the log, from module {@code connectors}).
 *
 * <p><b>Threads:</b> the event loop; sinks write on their own.
 */
package dev.vigil.server.alerts;
