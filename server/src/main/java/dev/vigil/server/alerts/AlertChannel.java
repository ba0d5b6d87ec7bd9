package dev.vigil.server.alerts;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

/**
 * One live alert subscriber's connection, as {@link AlertHub} writes to it: a WebSocket (one alert per text
 * frame) or a Server-Sent Events response (one event per alert). Both report a full write queue so that a slow
 * subscriber is disconnected instead of buffered without bound.
 *
 * <p><b>Threading:</b> used only on the server's event loop.
 */
sealed interface AlertChannel {
    boolean writeQueueFull();

    void send(String alertId, String json);

    /** Closes the connection of a subscriber that cannot keep up, with {@code reason} where the protocol can say it. */
    void disconnect(String reason);

    /** Runs {@code action} once the connection is closed or fails. */
    void whenGone(Runnable action);

    /** {@code /v1/alerts} over WebSocket: the alert's JSON as one text frame. */
    record WebSocket(ServerWebSocket socket) implements AlertChannel {
        @Override
        public boolean writeQueueFull() {
            return socket.writeQueueFull();
        }

        @Override
        public void send(String alertId, String json) {
            socket.writeTextMessage(json);
        }

        @Override
        public void disconnect(String reason) {
            socket.close(AlertHub.TOO_SLOW, reason);
        }

        /** A frame the decoder refuses (reserved bits, too large...) closes the socket with the decoder's code. */
        @Override
        public void whenGone(Runnable action) {
            socket.closeHandler(ignored -> action.run());
            socket.exceptionHandler(error -> {
                if (error instanceof CorruptedWebSocketFrameException corrupted && !socket.isClosed()) {
                    String reason = String.valueOf(corrupted.getMessage());
                    socket.close((short) corrupted.closeStatus().code(),
                            reason.length() > 120 ? reason.substring(0, 120) : reason);
                }
                action.run();
            });
        }
    }

    /**
     * {@code GET /v1/alerts/stream}: one event per alert, {@code id:} the alert id and one {@code data:} line of
     * JSON (the JSON is on one line, so it never needs splitting).
     */
    record EventStream(HttpServerRequest request) implements AlertChannel {
        @Override
        public boolean writeQueueFull() {
            return request.response().writeQueueFull();
        }

        @Override
        public void send(String alertId, String json) {
            request.response().write("id: " + alertId + "\ndata: " + json + "\n\n");
        }

        /**
         * Closes the TCP connection: the data already queued is dropped, so the reason (an {@code error} event
         * written just before) reaches the client only if the connection drains in time.
         */
        @Override
        public void disconnect(String reason) {
            request.response().write("event: error\ndata: " + new JsonObject().put("error", reason).encode() + "\n\n");
            request.connection().close();
        }

        @Override
        public void whenGone(Runnable action) {
            request.response().closeHandler(ignored -> action.run());
            request.response().exceptionHandler(ignored -> action.run());
        }
    }
}
