package dev.vigil.server.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Acknowledgements leave in message order, whichever finishes first. */
class PendingAcksTest {
    private final List<Integer> sent = new ArrayList<>();
    private final PendingAcks acks = new PendingAcks(ack -> sent.add(ack.getInteger("ack")));

    @Test
    void aReadyAcknowledgementWaitsBehindOneWaitingForAFlush() {
        acks.ready(ack(1));
        PendingAcks.Entry second = acks.waiting(ack(2));
        acks.ready(ack(3));
        PendingAcks.Entry fourth = acks.waiting(ack(4));
        assertEquals(List.of(1), sent);
        assertEquals(2, acks.waitingCount());

        acks.done(fourth);
        assertEquals(List.of(1), sent, "4 is done but 2 is not");
        acks.done(second);

        assertEquals(List.of(1, 2, 3, 4), sent);
        assertEquals(0, acks.waitingCount());
    }

    private static JsonObject ack(int number) {
        return new JsonObject().put("ack", number);
    }
}
