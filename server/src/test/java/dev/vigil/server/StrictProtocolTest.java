package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.wire.Utf8;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the HTTP and WebSocket decoders would let through and the server must refuse, sent byte by byte over a
 * loopback socket to a real server: transfer codings it does not implement, WebSocket frames with reserved bits,
 * bodies that are not UTF-8.
 */
@ExtendWith(VertxExtension.class)
class StrictProtocolTest {
    private static final String EVENT = "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 1, \"ts\": 1000}";
    private RunningServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Netty reads a request whose only transfer coding is unknown as one without a body, and would read the body
     * as the next request: the server refuses the request and closes the connection (RFC 9112, section 6.1).
     */
    @Test
    void anUnknownTransferCodingIs501AndTheConnectionIsClosed(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        for (String coding : new String[] {"xchunked", "gzip, chunked", "chunked, identity"}) {
            try (RawConnection raw = new RawConnection(server.port())) {
                byte[] chunk = EVENT.getBytes(StandardCharsets.UTF_8);
                raw.write("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
                        + "Transfer-Encoding: " + coding + "\r\n\r\n" + Integer.toHexString(chunk.length) + "\r\n"
                        + EVENT + "\r\n0\r\n\r\n");
                RawConnection.Response response = raw.readResponse();
                assertEquals(501, response.status(), coding + ": " + response.body());
                assertEquals("application/json", response.headers().get("content-type"));
                String error = new JsonObject(response.body()).getString("error");
                assertTrue(error.contains("Transfer-Encoding '" + coding + "'") && error.contains("chunked"), error);
                assertTrue(raw.closedByServer(), "the body's bytes must not be read as another request");
            }
        }
        String metrics = server.get("/metrics").body();
        assertTrue(metrics.contains("vigil_requests_refused_total{reason=\"transfer_encoding\"} 3.0"), metrics);
    }

    @Test
    void chunkedBodiesAreStillRead(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        try (RawConnection raw = new RawConnection(server.port())) {
            byte[] chunk = EVENT.getBytes(StandardCharsets.UTF_8);
            raw.write("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: Chunked\r\n\r\n" + Integer.toHexString(chunk.length) + "\r\n" + EVENT
                    + "\r\n0\r\n\r\n");
            RawConnection.Response response = raw.readResponse();
            assertEquals(202, response.status(), response.body());
            assertEquals(1, new JsonObject(response.body()).getInteger("accepted"));
        }
    }

    /** No extension is negotiated, so every frame with RSV1, RSV2 or RSV3 set is a protocol error (RFC 6455, 5.2). */
    @Test
    void aWebSocketFrameWithAReservedBitSetIsClosedWith1002(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        for (String path : new String[] {"/v1/events", "/v1/alerts"}) {
            for (int rsv : new int[] {0x40, 0x20, 0x10}) {
                try (RawConnection raw = new RawConnection(server.port())) {
                    RawConnection.Response upgraded = raw.upgrade(path,
                            "Sec-WebSocket-Extensions: permessage-deflate\r\n");
                    assertEquals(101, upgraded.status(), upgraded.body());
                    assertEquals(null, upgraded.headers().get("sec-websocket-extensions"), "no extension negotiated");
                    raw.frame(0x80 | rsv | 0x1, EVENT.getBytes(StandardCharsets.UTF_8));
                    RawConnection.Frame answer = raw.readFrame();
                    assertEquals(0x8, answer.opcode(), path + " rsv " + rsv + ": a close frame, not an "
                            + "acknowledgement: " + new String(answer.payload(), StandardCharsets.UTF_8));
                    assertEquals(1002, answer.closeCode(), path + " rsv " + rsv);
                    assertTrue(raw.closedByServer());
                }
            }
        }
    }

    /** RFC 3629: what Java's strict decoder refuses, the check refuses, at the same first byte. */
    @Test
    void theUtf8CheckRefusesOverlongFormsSurrogatesAndCodePointsAboveTheLast() {
        assertEquals(-1, malformedAt("ASCII, é, € and 😀 are fine"));
        assertEquals(1, malformedAt("a", 0xC0, 0x80));            // overlong '\0'
        assertEquals(1, malformedAt("a", 0xE0, 0x80, 0x80));      // overlong
        assertEquals(1, malformedAt("a", 0xF0, 0x80, 0x80, 0x80)); // overlong
        assertEquals(1, malformedAt("a", 0xED, 0xBF, 0xBF));      // a surrogate, U+DFFF
        assertEquals(1, malformedAt("a", 0xF4, 0x90, 0x80, 0x80)); // U+110000
        assertEquals(1, malformedAt("a", 0xF5, 0x80, 0x80, 0x80));
        assertEquals(1, malformedAt("a", 0x80));                  // a continuation byte alone
        assertEquals(2, malformedAt("ab", 0xE2, 0x82));           // cut short by the end of the body
        for (int[] bytes : new int[][] {{0xC0, 0x80}, {0xED, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xE2, 0x82}}) {
            byte[] raw = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                raw[i] = (byte) bytes[i];
            }
            assertThrows(java.nio.charset.CharacterCodingException.class, () -> StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(raw)), "Java's decoder agrees");
        }
    }

    private static int malformedAt(String prefix, int... tail) {
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOf(head, head.length + tail.length);
        for (int i = 0; i < tail.length; i++) {
            body[head.length + i] = (byte) tail[i];
        }
        return Utf8.firstMalformedAt(body, 0, body.length);
    }

    @Test
    void aRuleBodyThatIsNotUtf8Is400WithItsLineAndOffset(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("RULE big FROM payments\n  PATTERN x\n  DEFINE x AS merchant = 'caf"
                .getBytes(StandardCharsets.UTF_8));
        body.write(0xE9);   // 'é' in Latin-1: not UTF-8
        body.writeBytes("'\n".getBytes(StandardCharsets.UTF_8));
        try (RawConnection raw = new RawConnection(server.port())) {
            RawConnection.Response response = raw.request("POST", "/v1/rules", "Content-Type: text/plain\r\n",
                    body.toByteArray());
            assertEquals(400, response.status(), response.body());
            JsonObject error = new JsonObject(response.body());
            assertEquals(3, error.getInteger("line"));
            assertEquals(64, error.getInteger("offset"));
            assertEquals("the body is not valid UTF-8: line 3, byte 30 of the line (offset 64 of the body) "
                    + "starts an invalid sequence (0xE9 0x27); send UTF-8", error.getString("error"));
        }
        assertEquals("[]", server.get("/v1/rules").body(), "nothing was deployed");
    }

    @Test
    void anEventBodyThatIsNotUtf8Is400AndNothingOfItIsAccepted(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes((EVENT + "\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes("{\"stream\": \"payments\", \"card\": \"".getBytes(StandardCharsets.UTF_8));
        body.write(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});   // an encoded surrogate: never valid
        body.writeBytes("\", \"ts\": 1}\n".getBytes(StandardCharsets.UTF_8));
        try (RawConnection raw = new RawConnection(server.port())) {
            RawConnection.Response response = raw.request("POST", "/v1/events",
                    "Content-Type: application/x-ndjson\r\n", body.toByteArray());
            assertEquals(400, response.status(), response.body());
            JsonObject error = new JsonObject(response.body());
            assertEquals(2, error.getInteger("line"));
            assertEquals(EVENT.length() + 1 + 32, error.getInteger("offset"));
            assertTrue(error.getString("error").startsWith("the body is not valid UTF-8: line 2, byte 33 of the line"),
                    error.encode());
        }
        assertTrue(server.get("/metrics").body().contains("vigil_requests_refused_total{reason=\"utf8\"} 1.0"));
    }
}
