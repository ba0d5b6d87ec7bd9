package dev.vigil.server;

import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.EventTime;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Mutated and hostile event lines for fuzzing the event input, and the invariants every line must keep. Lines start
 * from the examples' events ({@code rules-examples/}) and are changed at random: a value replaced by a hostile
 * fragment (numbers beyond every range, non-JSON numbers, deep nesting, long strings, escapes of lone surrogates,
 * times beyond the accepted range), characters deleted, inserted or swapped, the line cut, keys dropped or
 * duplicated, watermark lines made of the same fragments. Seeded: the same seed gives the same lines.
 *
 * <p>The oracle ({@link #check}): decoding never throws; a refused line has a reason of at most
 * {@link InputLine#MAX_MESSAGE_CHARS} characters that leaks no Java exception; an accepted event or watermark has a
 * time in the accepted range, and an event's fields hold only finite numbers and render as JSON again inside an
 * alert, which Jackson and Vert.x read back; the quick syntax check used beyond the listed refusals decides every
 * line as the parser does.
 */
final class EventFuzz {
    /** Values no decoder should choke on; most must be refused, some are edge cases that are accepted. */
    static final List<String> HOSTILE_VALUES = List.of("1e400", "-1e400", "1E999", "99999999999999999999",
            "-9223372036854775809", "9223372036854775807", "-9223372036854775808", "-0", "-0.0", "1e-400", "NaN",
            "Infinity", "-Infinity", "0x10", "01", "1.", ".5", "+1", "1.7976931348623157E308", "4.9E-324",
            "9.223372036854776E18", "true", "false", "null", "{}", "[]", "\"\"", "\"\\u0000\"", "\"\\ud800\"",
            "\"\\udc00\\ud800\"", "\"\\u2028\"", "\"+292278994-08-17T07:12:55.808Z\"", "\"+999999999-12-31T23:59:59Z\"",
            "\"-999999999-01-01T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"",
            "\"0000-12-31T23:59:59.999Z\"", "\"9999-12-31T23:59:59.999Z\"", "\"+10000-01-01T00:00:00Z\"",
            "\"10000-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"", "\"2026-11-20T14:02:10+25:00\"",
            "\"2026-11-20T14:02:10.123456789Z\"", "\"2026-11-20\"", "\"2026-11-20T14:02:10+01:00\"",
            "\"2026-11-20T14:02:10\"", "\"yesterday\"", "253402300799999", "253402300800000", "-62135596800000",
            "-62135596800001", "1795183590000.5", "1795183590000.0", "1.7951835900001E12");
    private static final String PLACEHOLDER = "\u0001fuzz\u0001";
    private static final String ALPHABET = "{}[]:,\"\\ -+.0123456789eEtrufalsnNI\t\r/\u00e9\u0000\u2028x";

    private final Random random;
    private final List<String> seeds;
    private final EventDecoder decoder;
    private final int maxStringChars;

    /**
     * @param maxStringChars how long a generated string or nesting may get (a WebSocket message must stay under the
     *     frame limit)
     */
    EventFuzz(long seed, int maxStringChars) {
        this.random = new Random(seed);
        this.seeds = exampleEvents();
        this.decoder = new EventDecoder(exampleDeclarations(), true);
        this.maxStringChars = maxStringChars;
    }

    /** The decoder of a server running every example: the examples' stream declarations. */
    EventDecoder decoder() {
        return decoder;
    }

    Random random() {
        return random;
    }

    /** One line: an example event as it is, or changed by one to four mutations. */
    String line() {
        String line = seeds.get(random.nextInt(seeds.size()));
        if (random.nextInt(5) == 0) {
            return line;
        }
        for (int mutations = 1 + random.nextInt(4); mutations > 0 && line.length() <= maxStringChars; mutations--) {
            line = mutate(line);   // a line past the budget is not worked on further: generating it would dominate
        }
        return line;
    }

    /** {@code count} lines joined by new lines: an NDJSON body or message. */
    String lines(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : random.nextInt(20) == 0 ? "\r\n" : "\n").append(line());
        }
        return text.toString();
    }

    /** A JSON array message of {@code count} lines as elements: valid as an array only if every line is JSON. */
    String array(int count) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : ",").append(line());
        }
        return text.append(']').toString();
    }

    /** The UTF-8 bytes of {@code text} with invalid sequences put in at random places (a lone continuation byte...). */
    byte[] withInvalidUtf8(String text) {
        byte[][] invalid = {{(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xFF},
            {(byte) 0xC0, (byte) 0xAF}};
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length + 16);
        int at = random.nextInt(bytes.length + 1);
        out.write(bytes, 0, at);
        out.writeBytes(invalid[random.nextInt(invalid.length)]);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private String mutate(String line) {
        switch (random.nextInt(10)) {
            case 0, 1, 2:
                return replaceValue(line, hostileValue());
            case 3:
                return replaceValue(line, random.nextBoolean() ? deepNesting() : longString());
            case 4:
                return characters(line);
            case 5:
                return line.substring(0, random.nextInt(line.length() + 1));   // cut, maybe to nothing
            case 6:
                return watermark();
            case 7:
                return dropOrDuplicateKey(line);
            case 8:
                return manyKeys(line);
            default:
                return replaceValue(line, "\"" + seeds.get(random.nextInt(seeds.size())).replace("\\", "\\\\")
                        .replace("\"", "\\\"") + "\"");
        }
    }

    private String hostileValue() {
        return HOSTILE_VALUES.get(random.nextInt(HOSTILE_VALUES.size()));
    }

    private String deepNesting() {
        int depth = random.nextBoolean() ? 990 + random.nextInt(20) : 1 + random.nextInt(maxStringChars / 2);
        return random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private String longString() {
        return "\"" + "x".repeat(random.nextInt(maxStringChars)) + "\"";
    }

    /** The line with one key's value (a random key of the object, or a new one) replaced by raw JSON text. */
    private String replaceValue(String line, String rawValue) {
        Map<String, Object> object = object(line);
        if (object == null) {
            return characters(line);
        }
        List<String> keys = new ArrayList<>(object.keySet());
        keys.addAll(List.of("ts", "at", "stream", "extra"));
        object.put(keys.get(random.nextInt(keys.size())), PLACEHOLDER);
        return JsonCodec.value(object).replace("\"" + PLACEHOLDER.replace("\u0001", "\\u0001") + "\"", rawValue);
    }

    /** The line with up to 2,000 more keys, some of them long or odd. */
    private String manyKeys(String line) {
        Map<String, Object> object = object(line);
        if (object == null) {
            return characters(line);
        }
        for (int i = random.nextInt(Math.min(2_000, maxStringChars / 4) + 1); i > 0; i--) {
            object.put(random.nextInt(50) == 0 ? "k".repeat(random.nextInt(maxStringChars)) : "k" + i + "\u00e9.$",
                    random.nextBoolean() ? (Object) (long) i : List.of(i));
        }
        return JsonCodec.value(object);
    }

    private String dropOrDuplicateKey(String line) {
        Map<String, Object> object = object(line);
        if (object == null || object.isEmpty()) {
            return characters(line);
        }
        List<String> keys = new ArrayList<>(object.keySet());
        String key = keys.get(random.nextInt(keys.size()));
        if (random.nextBoolean()) {
            object.remove(key);
            return JsonCodec.value(object);
        }
        String text = JsonCodec.value(object);
        return text.substring(0, text.length() - 1) + ",\"" + key + "\":" + hostileValue() + "}";
    }

    private String watermark() {
        String value = random.nextInt(3) == 0 ? hostileValue() : String.valueOf(random.nextLong());
        return random.nextBoolean() ? "{\"watermark\":" + value + "}"
                : "{\"watermark\":" + value + ",\"stream\":\"payments\"}";
    }

    /** One to three characters deleted, inserted or replaced; or two swapped. */
    private String characters(String line) {
        StringBuilder text = new StringBuilder(line);
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = text.length() == 0 ? 0 : random.nextInt(text.length());
            char c = random.nextInt(10) == 0 ? (char) random.nextInt(0xFFFF) : ALPHABET.charAt(random.nextInt(
                    ALPHABET.length()));
            switch (text.length() == 0 ? 1 : random.nextInt(4)) {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, c);
                case 2 -> text.setCharAt(at, c);
                default -> {
                    int other = random.nextInt(text.length());
                    char swapped = text.charAt(at);
                    text.setCharAt(at, text.charAt(other));
                    text.setCharAt(other, swapped);
                }
            }
        }
        return text.toString().replace("\n", "");   // one line stays one line
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String line) {
        try {
            return JsonCodec.parse(line) instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map)
                    : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            return null;
        }
    }

    /**
     * Decodes one line as every host does and checks the invariants (see the class comment); returns what it became.
     *
     * @throws AssertionError naming the line and the broken invariant
     */
    static InputLine check(String line, EventDecoder decoder) {
        InputLine decoded;
        InputLine quick;
        try {
            decoded = InputLine.parse(line, 1, decoder);
            quick = InputLine.parse(line, 1, decoder, false);
        } catch (RuntimeException | StackOverflowError thrown) {
            throw failure(line, "decoding threw " + thrown);
        }
        if (decoded.getClass() != quick.getClass()) {
            throw failure(line, "the quick syntax check decided " + quick + ", the parser " + decoded);
        }
        if (decoded instanceof InputLine.Malformed malformed) {
            String reason = malformed.message();
            if (reason.isBlank() || reason.length() > InputLine.MAX_MESSAGE_CHARS || reason.contains("Exception")
                    || reason.contains("java.")) {
                throw failure(line, "refused with the reason \"" + reason + "\"");
            }
        } else if (decoded instanceof InputLine.WatermarkLine watermark) {
            if (!EventTime.accepted(watermark.timestamp())) {
                throw failure(line, "a watermark outside the accepted range: " + watermark.timestamp());
            }
        } else if (decoded instanceof InputLine.EventLine event) {
            if (!EventTime.accepted(event.event().timestamp())) {
                throw failure(line, "an event time outside the accepted range: " + event.event().timestamp());
            }
            String problem = finite(event.event().fields());
            if (problem != null) {
                throw failure(line, problem);
            }
            try {   // as an alert holds it, three levels down, read again by the server and by its clients
                String alert = JsonCodec.value(Map.of("events", Map.of("v", List.of(event.event().fields()))));
                JsonCodec.parse(alert);
                new io.vertx.core.json.JsonObject(alert);
            } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                throw failure(line, "the accepted event does not render in an alert and read back: " + e);
            }
        }
        return decoded;
    }

    /** Null when every number in the value is finite, else what is not. */
    private static String finite(Object value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            return "an accepted event holds the number " + d;
        }
        if (value instanceof Map<?, ?> map) {
            for (Object nested : map.values()) {
                String problem = finite(nested);
                if (problem != null) {
                    return problem;
                }
            }
        }
        if (value instanceof List<?> list) {
            for (Object nested : list) {
                String problem = finite(nested);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    static AssertionError failure(String line, String problem) {
        String shown = line.length() <= 500 ? line : line.substring(0, 500) + "... (" + line.length() + " characters)";
        return new AssertionError(problem + "\n  line: " + shown);
    }

    /** Every line of every example's events.ndjson. */
    static List<String> exampleEvents() {
        List<String> lines = new ArrayList<>();
        for (Path folder : exampleFolders()) {
            try {
                Files.readAllLines(folder.resolve("events.ndjson")).stream().filter(l -> !l.isBlank())
                        .forEach(lines::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    /** Every example's stream declarations, as a server running the rules folder holds them. */
    static List<StreamDecl> exampleDeclarations() {
        List<StreamDecl> streams = new ArrayList<>();
        for (Path folder : exampleFolders()) {
            try {
                Path rule = folder.resolve("rule.cep");
                CompileResult result = RuleCompiler.compile(rule.toString(), Files.readString(rule));
                streams.addAll(result.streams());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return streams;
    }

    static List<Path> exampleFolders() {
        try (Stream<Path> folders = Files.list(examplesRoot())) {
            return folders.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path examplesRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("rules-examples"))) {
                return dir.resolve("rules-examples");
            }
        }
        throw new IllegalStateException("no rules-examples folder above " + Path.of("").toAbsolutePath());
    }
}
