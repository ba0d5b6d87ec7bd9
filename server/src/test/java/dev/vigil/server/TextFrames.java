package dev.vigil.server;

import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket listener for tests: every complete text message (fragments joined) goes to a queue, and the close
 * code (or the failure) completes a future. It asks for the next message after each one, so the server is never
 * held back by the test.
 */
final class TextFrames implements WebSocket.Listener {
    private final BlockingQueue<String> frames;
    private final CompletableFuture<Integer> closed;
    private final StringBuilder partial = new StringBuilder();

    TextFrames(BlockingQueue<String> frames) {
        this(frames, new CompletableFuture<>());
    }

    TextFrames(BlockingQueue<String> frames, CompletableFuture<Integer> closed) {
        this.frames = frames;
        this.closed = closed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        socket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
        closed.completeExceptionally(error);
    }
}
