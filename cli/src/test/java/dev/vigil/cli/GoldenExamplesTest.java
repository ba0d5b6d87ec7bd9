package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every folder of {@code rules-examples/} is a regression test: {@code vigil run} over its {@code rule.cep} and
 * {@code events.ndjson} must print exactly the alerts of {@code expected-alerts.ndjson}, in that order.
 *
 * <p>The test goes through {@link Vigil#commandLine()}, the code path a user runs, with stdout and stderr captured.
 * A folder may hold an {@code args} file with extra {@code vigil run} arguments (whitespace-separated; lines
 * starting with {@code #} are comments), and an {@code expected-late.ndjson}: then the run also writes late events
 * with {@code --late} and they must equal that file. Lines are compared as parsed JSON, so layout, key order and
 * {@code 1} versus {@code 1.0} do not matter; everything else does.
 *
 * <p>Each example's rule.cep also carries rule tests ({@code TEST ... GIVEN ... EXPECT}), which {@code vigil test}
 * must pass.
 *
 * <p>The expected files are worked out by hand from the rule's meaning (each example's README explains them), not
 * recorded from a run: when this test fails, find out whether the engine or the example is wrong.
 */
class GoldenExamplesTest {
    private static final List<String> REQUIRED_FILES =
            List.of("rule.cep", "events.ndjson", "expected-alerts.ndjson", "README.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path scratch;

    static Stream<String> examples() throws IOException {
        try (Stream<Path> folders = Files.list(examplesRoot())) {
            List<String> names = folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                    .toList();
            assertFalse(names.isEmpty(), "no examples under " + examplesRoot());
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void runPrintsExactlyTheExpectedAlerts(String name) throws IOException {
        Path example = examplesRoot().resolve(name);
        List<String> missing = REQUIRED_FILES.stream().filter(f -> !Files.isRegularFile(example.resolve(f))).toList();
        assertEquals(List.of(), missing, name + " lacks required files");

        List<String> args = new ArrayList<>(List.of("run",
                "--rules", example.resolve("rule.cep").toString(),
                "--events", example.resolve("events.ndjson").toString()));
        args.addAll(extraArguments(example.resolve("args")));
        Path expectedLate = example.resolve("expected-late.ndjson");
        Path late = scratch.resolve("late.ndjson");
        if (Files.isRegularFile(expectedLate)) {
            args.addAll(List.of("--late", late.toString()));
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args.toArray(String[]::new));

        assertEquals(0, exit, name + ": vigil run failed:\n" + err);
        assertSameLines(name + " alerts", readLines(example.resolve("expected-alerts.ndjson")), lines(out.toString()),
                err.toString());
        if (Files.isRegularFile(expectedLate)) {
            assertSameLines(name + " late events", readLines(expectedLate), readLines(late), err.toString());
        }
    }

    /** Every example carries rule tests ({@code TEST} blocks in its rule.cep), and {@code vigil test} passes them. */
    @Test
    void everyExamplesOwnTestsPass() throws IOException {
        List<String> args = new ArrayList<>(List.of("test"));
        examples().forEach(name -> args.add(examplesRoot().resolve(name).resolve("rule.cep").toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.out() + run.err());
        for (String name : examples().toList()) {
            assertTrue(run.out().contains("PASS " + examplesRoot().resolve(name).resolve("rule.cep")),
                    name + " has no passing test:\n" + run.out());
        }
    }

    /** The comparison itself, so that a broken comparison cannot make every example pass. */
    @Test
    void comparisonIgnoresLayoutButNamesTheFirstRealDifference() {
        assertNull(difference("{\"a\":1,\"b\":[1.0,\"x\"]}", "{ \"b\": [1, \"x\"], \"a\": 1.00 }"));
        assertEquals("fields.total: expected 1301.75, got 1301.5",
                difference("{\"fields\":{\"total\":1301.75}}", "{\"fields\":{\"total\":1301.5}}"));
        assertEquals("events.big[0].amount: expected 920, got \"920\"",
                difference("{\"events\":{\"big\":[{\"amount\":920}]}}", "{\"events\":{\"big\":[{\"amount\":\"920\"}]}}"));
        assertEquals("key: expected null, got \"a\"", difference("{\"key\":null}", "{\"key\":\"a\"}"));
        assertEquals("timeoutAt: missing", difference("{\"timeoutAt\":5}", "{}"));
        assertEquals("timeoutAt: not expected, got 5", difference("{}", "{\"timeoutAt\":5}"));
        assertEquals("events.probe: expected 3 element(s), got 4", difference("{\"events\":{\"probe\":[1,2,3]}}",
                "{\"events\":{\"probe\":[1,2,3,4]}}"));
        assertEquals("same_ip: expected true, got false", difference("{\"same_ip\":true}", "{\"same_ip\":false}"));
    }

    private static String difference(String expected, String actual) {
        return firstDifference("", parse(expected), parse(actual));
    }

    /** The {@code rules-examples} folder, looked up from the working directory (the module's or the root's). */
    private static Path examplesRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("rules-examples");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no rules-examples folder above " + Path.of("").toAbsolutePath());
    }

    private static List<String> extraArguments(Path argsFile) throws IOException {
        List<String> extra = new ArrayList<>();
        if (Files.isRegularFile(argsFile)) {
            for (String line : Files.readAllLines(argsFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    extra.addAll(List.of(line.strip().split("\\s+")));
                }
            }
        }
        return extra;
    }

    private static List<String> readLines(Path file) throws IOException {
        return lines(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static List<String> lines(String text) {
        return text.lines().filter(line -> !line.isBlank()).toList();
    }

    private static void assertSameLines(String what, List<String> expected, List<String> actual, String stderr) {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String want = i < expected.size() ? expected.get(i) : null;
            String got = i < actual.size() ? actual.get(i) : null;
            String difference = want == null ? "printed but not expected"
                    : got == null ? "expected but not printed"
                    : firstDifference("", parse(want), parse(got));
            if (difference != null) {
                differences.add("line " + (i + 1) + ": " + difference + "\n    expected: " + want + "\n    actual:   "
                        + got);
            }
        }
        if (!differences.isEmpty()) {
            fail(what + ": " + expected.size() + " line(s) expected, " + actual.size() + " printed\n"
                    + String.join("\n", differences) + "\n  stderr of the run:\n" + stderr.indent(4));
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    /** Where two JSON values first differ, as "path: expected X, got Y", or {@code null} when they are equal. */
    static String firstDifference(String path, JsonNode expected, JsonNode actual) {
        String at = path.isEmpty() ? "(whole line)" : path;
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0 ? null
                    : at + ": expected " + expected + ", got " + actual;
        }
        if (expected.getNodeType() != actual.getNodeType()) {
            return at + ": expected " + expected + ", got " + actual;
        }
        if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (!actual.has(field.getKey())) {
                    return child + ": missing";
                }
                String difference = firstDifference(child, field.getValue(), actual.get(field.getKey()));
                if (difference != null) {
                    return difference;
                }
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext();) {
                String name = it.next();
                if (!expected.has(name)) {
                    return (path.isEmpty() ? name : path + "." + name) + ": not expected, got " + actual.get(name);
                }
            }
            return null;
        }
        if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                return at + ": expected " + expected.size() + " element(s), got " + actual.size();
            }
            for (int i = 0; i < expected.size(); i++) {
                String difference = firstDifference(path + "[" + i + "]", expected.get(i), actual.get(i));
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        return expected.equals(actual) ? null : at + ": expected " + expected + ", got " + actual;
    }
}
