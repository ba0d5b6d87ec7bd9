package dev.vigil.client;

import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Receives a WebSocket's text messages (fragments joined) into a queue, and how it ended: the close code and
 * reason, or the failure. Asks for one message at a time, after the previous one was queued.
 */
public final class TextMessages implements WebSocket.Listener {
    /** How a connection ended: {@code code} -1 for a failure, whose description is the reason. */
    public record Ending(int code, String reason) {}

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Ending> ended = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        socket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
        ended.complete(new Ending(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
        ended.complete(new Ending(-1, String.valueOf(error.getMessage())));
    }

    public BlockingQueue<String> messages() {
        return messages;
    }

    /** Completes when the connection is closed or fails. */
    public CompletableFuture<Ending> ended() {
        return ended;
    }
}
