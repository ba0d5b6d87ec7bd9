package dev.vigil.server.source;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The acknowledgements of one event connection in message order: some are ready at once (an empty or refused
 * message), others wait for the ingest log's flush; each goes out only when every earlier one has, so a client
 * reading acknowledgement {@code n} knows every message before it was answered.
 *
 * <p><b>Not thread-safe:</b> owned by one connection, on its event loop.
 */
final class PendingAcks {
    /** One acknowledgement, sent once it is done and everything before it was sent. */
    static final class Entry {
        private final JsonObject ack;
        private boolean done;

        private Entry(JsonObject ack) {
            this.ack = ack;
        }

        JsonObject ack() {
            return ack;
        }
    }

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final Consumer<JsonObject> send;
    private int waiting;

    PendingAcks(Consumer<JsonObject> send) {
        this.send = send;
    }

    /** An acknowledgement that needs nothing more: sent now, or after those before it. */
    void ready(JsonObject ack) {
        if (queue.isEmpty()) {
            send.accept(ack);
            return;
        }
        Entry entry = new Entry(ack);
        entry.done = true;
        queue.add(entry);
    }

    /** An acknowledgement that waits for {@link #done}. */
    Entry waiting(JsonObject ack) {
        Entry entry = new Entry(ack);
        queue.add(entry);
        waiting++;
        return entry;
    }

    /** {@code entry} may go: sends it and every done one after it, once those before it went. */
    void done(Entry entry) {
        if (entry.done) {
            throw new IllegalStateException("acknowledgement " + entry.ack.getValue("ack") + " done twice");
        }
        entry.done = true;
        waiting--;
        while (!queue.isEmpty() && queue.peek().done) {
            send.accept(queue.poll().ack);
        }
    }

    /** Acknowledgements still waiting. */
    int waitingCount() {
        return waiting;
    }
}
