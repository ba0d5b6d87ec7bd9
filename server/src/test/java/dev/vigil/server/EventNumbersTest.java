package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Numbers JSON allows but no event can hold ({@code 1e400}, integers beyond 64 bits) are refused per line naming
 * the field, instead of being read as infinity and reaching alerts as the string "Infinity".
 */
@ExtendWith(VertxExtension.class)
class EventNumbersTest {
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;

    @Test
    void anInfiniteOrTooLongNumberRefusesItsLineOnly(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            String body = """
                    {"stream": "payments", "card": "c1", "amount": -0, "ts": 1000}
                    {"stream": "payments", "card": "c1", "amount": 1e400, "ts": 1500}
                    {"stream": "payments", "card": "c1", "amount": 900, "ts": 2000, "id": 123456789012345678901}
                    {"stream": "payments", "card": "c1", "amount": 900, "ts": 2500, "meta": {"rate": -1e999}}
                    {"stream": "payments", "card": "c1", "amount": 900, "ts": 3000}
                    {"watermark": 4000}
                    """;
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", body);

            assertEquals(202, posted.statusCode(), posted.body());
            JsonObject answer = new JsonObject(posted.body());
            assertEquals(3, answer.getInteger("accepted"), answer.encode());
            JsonArray errors = answer.getJsonArray("errors");
            assertEquals(new JsonObject().put("line", 2).put("error", "field 'amount': number 1e400 is beyond the "
                    + "range of a 64-bit double (magnitude at most 1.7976931348623157E308)"), errors.getJsonObject(0));
            assertEquals(new JsonObject().put("line", 3).put("error", "field 'id': integer 123456789012345678901 is "
                    + "outside the 64-bit range (-9223372036854775808 to 9223372036854775807)"),
                    errors.getJsonObject(1));
            assertEquals(4, errors.getJsonObject(2).getInteger("line"));
            assertEquals(3, errors.size(), answer.encode());

            String alerts = server.pollUntil("/v1/alerts", text -> new JsonArray(text).size() == 1);
            JsonObject alert = new JsonArray(alerts).getJsonObject(0);
            assertEquals(900L, alert.getJsonObject("fields").getLong("total"), alert.encode());
            assertEquals(3000L, alert.getLong("end"), "the 1e400 line was not the big payment");
            assertFalse(alerts.contains("Infinity"), alerts);
        }
    }
}
