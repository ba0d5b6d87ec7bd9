package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.vigil.dsl.RuleParser;
import dev.vigil.dsl.ast.StreamDecl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Turning received JSON objects into events: stream, event time, declared types; problems name the field. */
class EventDecoderTest {
    private static final List<StreamDecl> STREAMS = RuleParser.parse("s.cep", """
            STREAM logins (user STRING, at TIMESTAMP, device.trusted BOOLEAN, attempts LONG, score DOUBLE)
              EVENT TIME at;
            """).orThrow().streams();

    private final EventDecoder decoder = new EventDecoder(STREAMS, true);

    private static Map<String, Object> json(Object... keysAndValues) {
        Map<String, Object> json = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            json.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return json;
    }

    private Event valid(Map<String, Object> json) {
        return assertInstanceOf(EventDecoder.Valid.class, decoder.decode(json, 7)).event();
    }

    private EventDecoder.Invalid invalid(Map<String, Object> json) {
        return assertInstanceOf(EventDecoder.Invalid.class, decoder.decode(json, 7));
    }

    @Test
    void schemalessEventsTakeTheirTimeFromTsInMillisOrIsoText() {
        Event millis = valid(json("stream", "clicks", "ts", 1_000L, "page", "/"));
        assertEquals("clicks", millis.stream());
        assertEquals(1_000L, millis.timestamp());
        assertEquals(7, millis.sequence());
        assertEquals("/", millis.field("page"));
        assertEquals(1_795_248_000_000L, valid(json("stream", "clicks", "ts", "2026-11-21T08:00:00Z")).timestamp());
        assertEquals(1_795_248_000_000L,
                valid(json("stream", "clicks", "ts", "2026-11-21T09:00:00+01:00")).timestamp());
        assertEquals(1_795_248_000_000L, valid(json("stream", "clicks", "ts", "2026-11-21T08:00:00")).timestamp(),
                "no offset means UTC");
    }

    @Test
    void aDeclaredStreamTakesItsTimeFromItsEventTimeField() {
        Event event = valid(json("stream", "logins", "user", "u1", "at", 5_000L, "ts", 1L,
                "device", Map.of("trusted", true), "attempts", 3L, "score", 1L));
        assertEquals(5_000L, event.timestamp());
        assertEquals(true, event.field(List.of("device", "trusted")));
    }

    @Test
    void problemsNameTheField() {
        assertEquals(new EventDecoder.Invalid("stream", "missing field 'stream' (the name of the event's stream)"),
                invalid(json("ts", 1L)));
        assertEquals("field 'stream' must be a non-empty string, got number 3",
                invalid(json("stream", 3L, "ts", 1L)).message());
        assertEquals(new EventDecoder.Invalid("ts",
                "missing event time field 'ts' (epoch milliseconds or ISO-8601 text)"),
                invalid(json("stream", "clicks")));
        assertEquals("field 'ts' must be epoch milliseconds or ISO-8601 text, got text \"yesterday\"",
                invalid(json("stream", "clicks", "ts", "yesterday")).message());
        assertEquals(new EventDecoder.Invalid("at",
                "missing event time field 'at' (epoch milliseconds or ISO-8601 text)"),
                invalid(json("stream", "logins", "ts", 1L)));
        assertEquals(new EventDecoder.Invalid("attempts",
                "field 'attempts' of stream 'logins' must be LONG, got number 2.5"),
                invalid(json("stream", "logins", "at", 1L, "attempts", 2.5)));
        assertEquals(new EventDecoder.Invalid("device.trusted",
                "field 'device.trusted' of stream 'logins' must be BOOLEAN, got text \"yes\""),
                invalid(json("stream", "logins", "at", 1L, "device", Map.of("trusted", "yes"))));
        assertEquals("field 'user' of stream 'logins' must be STRING, got an object",
                invalid(json("stream", "logins", "at", 1L, "user", Map.of())).message());
    }

    @Test
    void declaredFieldsMayBeMissingAndUndeclaredOnesAreKept() {
        Event event = valid(json("stream", "logins", "at", 1L, "extra", List.of(1L)));
        assertEquals(null, event.field("user"));
        assertEquals(List.of(1L), event.field("extra"));
    }

    @Test
    void inProcessingTimeAMissingTimestampIsAllowed() {
        EventDecoder processing = new EventDecoder(STREAMS, false);
        Event event = assertInstanceOf(EventDecoder.Valid.class, processing.decode(json("stream", "clicks"), 1))
                .event();
        assertEquals(Long.MIN_VALUE, event.timestamp());
    }

    @Test
    void eventTimesFromYear1ToYear9999AreAcceptedAsMillisAndAsText() {
        assertEquals(EventTime.MIN_MS, valid(json("stream", "clicks", "ts", "0001-01-01T00:00:00Z")).timestamp());
        assertEquals(EventTime.MIN_MS, valid(json("stream", "clicks", "ts", EventTime.MIN_MS)).timestamp());
        assertEquals(EventTime.MAX_MS, valid(json("stream", "clicks", "ts", "9999-12-31T23:59:59.999Z")).timestamp());
        assertEquals(EventTime.MAX_MS, valid(json("stream", "clicks", "ts", EventTime.MAX_MS)).timestamp());
        assertEquals(EventTime.MAX_MS, valid(json("stream", "clicks", "ts", (double) EventTime.MAX_MS)).timestamp());
        assertEquals(EventTime.MAX_MS, valid(json("stream", "clicks", "ts", "9999-12-31T23:59:59.999")).timestamp());
        assertEquals(EventTime.MAX_MS, valid(json("stream", "clicks", "ts", "+10000-01-01T00:59:59.999+01:00"))
                .timestamp(), "the range is in UTC");
    }

    @Test
    void eventTimesOutsideTheRangeAreRefusedNamingTheFieldInsteadOfOverflowing() {
        String range = "outside the accepted event times 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z "
                + "(-62135596800000 to 253402300799999 ms), got ";
        assertEquals(new EventDecoder.Invalid("ts", "field 'ts' is " + range
                + "text \"+292278994-08-17T07:12:55.808Z\""),
                invalid(json("stream", "clicks", "ts", "+292278994-08-17T07:12:55.808Z")));
        assertEquals("field 'ts' is " + range + "text \"+999999999-12-31T23:59:59Z\"",
                invalid(json("stream", "clicks", "ts", "+999999999-12-31T23:59:59Z")).message());
        assertEquals("field 'ts' is " + range + "text \"+10000-01-01T01:00:00+01:00\"",
                invalid(json("stream", "clicks", "ts", "+10000-01-01T01:00:00+01:00")).message());
        assertEquals("field 'ts' is " + range + "text \"0000-12-31T23:59:59.999\"",
                invalid(json("stream", "clicks", "ts", "0000-12-31T23:59:59.999")).message());
        assertEquals("field 'ts' is " + range + "number 9223372036854775806",
                invalid(json("stream", "clicks", "ts", Long.MAX_VALUE - 1)).message());
        assertEquals("field 'ts' is " + range + "number " + (EventTime.MAX_MS + 1),
                invalid(json("stream", "clicks", "ts", EventTime.MAX_MS + 1)).message());
        assertEquals("field 'ts' is " + range + "number " + (EventTime.MIN_MS - 1),
                invalid(json("stream", "clicks", "ts", EventTime.MIN_MS - 1)).message());
        assertEquals("field 'ts' is " + range + "number -9.223372036854776E18",
                invalid(json("stream", "clicks", "ts", (double) Long.MIN_VALUE)).message());
        assertEquals("field 'at' is " + range + "number -9223372036854775808",
                invalid(json("stream", "logins", "at", Long.MIN_VALUE)).message());
        assertEquals("field 'ts' must be epoch milliseconds or ISO-8601 text, got number 1.5",
                invalid(json("stream", "clicks", "ts", 1.5)).message());
        assertEquals("field 'ts' must be epoch milliseconds or ISO-8601 text, got number NaN",
                invalid(json("stream", "clicks", "ts", Double.NaN)).message());
    }

    @Test
    void timestampFieldsOutsideTheRangeAreRefusedToo() {
        EventDecoder withTimestamp = new EventDecoder(RuleParser.parse("s.cep", """
                STREAM orders (placed TIMESTAMP, ts TIMESTAMP);
                """).orThrow().streams(), true);
        EventDecoder.Decoded decoded = withTimestamp.decode(json("stream", "orders", "ts", 1L,
                "placed", "+292278994-08-17T07:12:55.808Z"), 1);
        assertEquals(new EventDecoder.Invalid("placed", "field 'placed' of stream 'orders' is a TIMESTAMP outside the "
                + "accepted event times " + EventTime.RANGE + ", got text \"+292278994-08-17T07:12:55.808Z\""),
                decoded);
        assertEquals(null, EventDecoder.toEpochMillis("+292278994-08-17T07:12:55.808Z"),
                "hosts reading times from query parameters get null, not an exception");
    }
}
