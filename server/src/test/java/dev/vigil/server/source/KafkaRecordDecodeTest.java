package dev.vigil.server.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.vigil.nfa.EventDecoder;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** How a Kafka record's value becomes an input line, or the reason it is a bad record. */
class KafkaRecordDecodeTest {
    /** As the source names the record at offset 7 of partition 0 of orders. */
    private static final long IDENTITY = dev.vigil.server.sequencer.EventIdentity.ofRecord("orders", 0, 7);

    private final EventDecoder decoder = new EventDecoder(List.of(), true);

    @Test
    void aTopicsStreamIsTheEventsStreamUnlessTheValueNamesAnother() {
        InputLine event = decode("{\"card\":\"c1\",\"ts\":5}", "payments");
        assertEquals("payments", assertInstanceOf(InputLine.EventLine.class, event).event().stream());
        assertEquals("c1", ((InputLine.EventLine) event).event().fields().get("card"));
        assertEquals(5, ((InputLine.EventLine) event).event().timestamp());
        assertEquals("field 'stream' is \"logins\" but topic 'orders' carries stream 'payments'",
                malformed(decode("{\"stream\":\"logins\",\"ts\":5}", "payments")));
        assertEquals("payments", ((InputLine.EventLine) decode("{\"stream\":\"payments\",\"ts\":5}", "payments"))
                .event().stream());
    }

    @Test
    void anEventKeepsATextThatReadsAsItsFieldsSoTheIngestLogStoresItAsItIs() throws Exception {
        for (String value : List.of("{\"card\":\"c1\",\"ts\":5}", " { \"ts\" : 5 , \"n\": [1, {\"x\": null}] } \n",
                "{\"stream\":\"payments\",\"ts\":5}", "{\"ts\":5,\"note\":\"}\"}")) {
            InputLine.EventLine event = assertInstanceOf(InputLine.EventLine.class, decode(value, "payments"));
            assertEquals(event.event().fields(), JsonCodec.parse(event.text()), value);
            assertEquals(List.copyOf(event.event().fields().keySet()),
                    List.copyOf(((Map<?, ?>) JsonCodec.parse(event.text())).keySet()), value);
        }
        assertEquals("{\"ts\":5,\"stream\":\"payments\"}",
                ((InputLine.EventLine) decode("{\"ts\":5}", "payments")).text());
        assertEquals("{\"stream\":\"payments\"}", KafkaSource.withField("{}", KafkaSource.streamField("payments")));
        assertEquals("{ \"stream\":\"a\\\"b\"}", KafkaSource.withField("{ }", KafkaSource.streamField("a\"b")));
    }

    @Test
    void textBeyondAsciiIsDecodedAndOnlyBadBytesAreRefused() {
        for (String note : List.of("café", "\u20ac 5", "a replacement character \uFFFD sent as such", "\uD83D\uDE00")) {
            InputLine event = decode("{\"ts\":5,\"note\":\"" + note + "\"}", "payments");
            assertEquals(note, assertInstanceOf(InputLine.EventLine.class, event).event().fields().get("note"));
        }
        byte[] truncated = "{\"ts\":5,\"note\":\"\u20ac\"}".getBytes(StandardCharsets.UTF_8);
        truncated[truncated.length - 3] = '"';   // the euro sign's last byte: two bytes of a three-byte character
        assertEquals("the value is not UTF-8 text", malformed(KafkaSource.decode(new ConsumerRecord<>("orders", 0, 7,
                null, truncated), "payments", 0, IDENTITY, decoder)));
    }

    @Test
    void aTopicWithoutAStreamTakesTheValuesStreamField() {
        assertEquals("logins", ((InputLine.EventLine) decode("{\"stream\":\"logins\",\"ts\":5}", "")).event().stream());
        assertEquals("missing field 'stream' (the name of the event's stream)", malformed(decode("{\"ts\":5}", "")));
    }

    @Test
    void watermarksPassAsTheyAre() {
        InputLine.WatermarkLine watermark = assertInstanceOf(InputLine.WatermarkLine.class,
                decode("{\"watermark\": 100}", "payments"));
        assertEquals(100, watermark.timestamp());
        assertEquals(null, watermark.stream());
    }

    @Test
    void valuesThatAreNoEventsSayWhy() {
        assertEquals("a record without a value (a tombstone)", malformed(KafkaSource.decode(
                new ConsumerRecord<>("orders", 0, 7, null, null), "payments", 0, IDENTITY, decoder)));
        assertEquals("the value is not UTF-8 text", malformed(KafkaSource.decode(new ConsumerRecord<>("orders", 0, 7,
                null, new byte[] {'{', (byte) 0xC3, '}'}), "payments", 0, IDENTITY, decoder)));
        assertEquals("expected a JSON object, got an array", malformed(decode("[1]", "payments")));
        assertEquals("missing event time field 'ts'", malformed(decode("{\"card\":\"c\"}", "payments"))
                .replaceAll(" \\(.*", ""));
    }

    private InputLine decode(String value, String stream) {
        return KafkaSource.decode(new ConsumerRecord<>("orders", 0, 7, null, value.getBytes(StandardCharsets.UTF_8)),
                stream, 0, IDENTITY, decoder);
    }

    private static String malformed(InputLine line) {
        return assertInstanceOf(InputLine.Malformed.class, line).message();
    }
}
