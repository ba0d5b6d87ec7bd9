package dev.vigil.server.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.RuleParser;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.wire.InputLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * NDJSON read with one parser for all lines gives exactly what reading line by line gives (events with their text,
 * watermarks, blank lines, refusals and their reasons), whatever the lines hold, broken ones included.
 */
class EventFrameLinesTest {
    private static final EventDecoder DECODER = new EventDecoder(RuleParser.parse("s.cep",
            "STREAM pay (k STRING, amount LONG, ts TIMESTAMP);").orThrow().streams(), true);

    private static final String[] LINES = {
        "{\"stream\":\"pay\",\"k\":\"a\",\"amount\":5,\"ts\":1000}",
        "{\"stream\":\"pay\",\"ts\":1001,\"k\":\"b\"}",
        "  {\"stream\":\"other\",\"ts\":\"2026-11-20T14:02:10Z\",\"nested\":{\"x\":[1,{\"y\":null}]}}  ",
        "{\"stream\":\"pay\",\"k\":\"\\u00e9\\n\",\"amount\":5,\"ts\":1000}\r",
        "{\"stream\":\"pay\",\"k\":\"é€😀\",\"ts\":7}",
        "{\"stream\":\"pay\",\"k\":1,\"ts\":1000}",
        "{\"stream\":\"pay\",\"amount\":5}",
        "{\"watermark\":2000,\"stream\":\"pay\"}",
        "{\"watermark\":2000}",
        "{\"dup\":1,\"stream\":\"x\",\"dup\":2,\"ts\":3}",
        "",
        "   ",
        "\r",
        "\f",
        "42",
        "\"text\"",
        "[1,2]",
        "[{\"stream\":\"pay\",\"ts\":1}]",
        "null",
        "{\"stream\":\"pay\",\"ts\":1} {\"stream\":\"pay\",\"ts\":2}",
        "{\"stream\":\"pay\",\"ts\":1}{\"stream\":\"pay\",\"ts\":2}",
        "{\"stream\":\"pay\",",
        "\"ts\":1}",
        "}",
        "{\"a\":99999999999999999999}",
        "{\"a\":1e400}",
        "{\"a\":" + "[".repeat(99) + "]".repeat(99) + "}",
        "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}",
        "[" + "[".repeat(99) + "]".repeat(99) + "]",
        "{'a':1}",
        "{\"a\":1}x",
        "\uFEFF{\"stream\":\"pay\",\"ts\":1}",
    };

    @Test
    void oneParserReadsAsLineByLine() {
        Random random = new Random(5);
        for (int round = 0; round < 3_000; round++) {
            StringBuilder text = new StringBuilder();
            int lines = random.nextInt(8);
            boolean wellFormed = random.nextInt(3) == 0;
            for (int i = 0; i <= lines; i++) {
                String line = LINES[random.nextInt(wellFormed ? 11 : LINES.length)];
                text.append(i == 0 ? "" : "\n").append(line);
            }
            String message = text.toString();
            assertEquals(describe(lineByLine(message)), describe(EventFrame.lines(message, DECODER)), message);
        }
    }

    @Test
    void wellFormedLinesAreReadWithOneParser() {
        String message = LINES[0] + "\n\n" + LINES[7] + "\r\n" + LINES[3] + "\n" + LINES[2] + "\n";
        List<Integer> indexes = new ArrayList<>();
        assertTrue(InputLine.parseLines(message, 0, DECODER, (line, index) -> indexes.add(index)));
        assertEquals(List.of(0, 1, 2, 3, 4, 5), indexes);
        assertTrue(!InputLine.parseLines(LINES[21] + "\n" + LINES[22], 0, DECODER, (line, index) -> { }),
                "an event over two lines is left to the line-by-line reading");
        assertEquals(describe(lineByLine(message)), describe(EventFrame.lines(message, DECODER)));
    }

    /** What EventFrame.lines gave before it read all lines with one parser. */
    private static EventFrame lineByLine(String text) {
        List<InputLine> batch = new ArrayList<>();
        List<EventFrame.ElementError> errors = new ArrayList<>();
        int[] refused = {0};
        InputLine.eachLine(text, (line, index) -> {
            InputLine parsed = InputLine.parse(line, 0, DECODER, refused[0] < EventFrame.MAX_LISTED_ERRORS);
            if (parsed instanceof InputLine.Malformed malformed) {
                if (refused[0]++ < EventFrame.MAX_LISTED_ERRORS) {
                    errors.add(new EventFrame.ElementError(index, malformed.message()));
                }
            } else if (!(parsed instanceof InputLine.Blank)) {
                batch.add(parsed);
            }
        });
        return new EventFrame(batch, errors, refused[0]);
    }

    private static String describe(EventFrame frame) {
        StringBuilder text = new StringBuilder();
        for (InputLine line : frame.batch()) {
            if (line instanceof InputLine.EventLine event) {
                text.append(event.event()).append(" text=").append(event.text()).append('\n');
            } else {
                text.append(line).append('\n');
            }
        }
        return text.append(frame.errors()).append(" refused=").append(frame.refused()).toString();
    }
}
