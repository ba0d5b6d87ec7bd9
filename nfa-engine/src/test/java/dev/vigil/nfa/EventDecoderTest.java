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
}
