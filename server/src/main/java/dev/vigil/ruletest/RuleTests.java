package dev.vigil.ruletest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ruletest.TestBlock;
import dev.vigil.dsl.ruletest.TestBlocks;
import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.LateEvent;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Runs the tests of a compiled rule file. Each test gets a fresh engine holding the file's rules only, in event
 * time with the engine's defaults (a stream without a {@code WATERMARK DELAY} has none, as in {@code vigil run}):
 * its {@code GIVEN} lines go in as {@code vigil run} reads an NDJSON file (events, and {@code {"watermark": ts}}
 * lines), the end of the block ends the input as the end of a file does (the engine finishes: every buffered event
 * is matched, every timeout that can still fire fires), and the alerts that came out are compared, in order and by
 * position, with the {@code EXPECT} lines ({@link ExpectedAlert}). A test with a line that is not an event or an
 * alert is invalid and does not run; its result says which line and what is wrong.
 *
 * <p>Under {@link Bounds} (the server's: a few thousand events and seconds), tests of a file holding more events are
 * refused whole, and a run that outlasts its time or emits too many alerts stops and is invalid: a test of a
 * million events cannot stall a server.
 */
public final class RuleTests {
    private RuleTests() {}

    /**
     * Bounds on running the tests of one file.
     *
     * @param maxEvents the most {@code GIVEN} lines all tests of the file may hold
     * @param maxNanos the most time all tests of the file may run
     * @param maxAlerts the most alerts one test may emit
     */
    public record Bounds(int maxEvents, long maxNanos, int maxAlerts) {
        /** For {@code vigil test}: no bound but the machine's. */
        public static final Bounds NONE = new Bounds(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);

        /** For a server: 10,000 events and 10 seconds for a file's tests, 1,000 alerts a test. */
        public static final Bounds SERVER = new Bounds(10_000, 10_000_000_000L, 1_000);
    }

    /** Runs the tests of {@code text}, whose compile gave {@code compiled} (without diagnostics). */
    public static TestReport run(String text, CompileResult compiled, Bounds bounds) {
        return run(text, compiled, bounds, System::nanoTime);
    }

    static TestReport run(String text, CompileResult compiled, Bounds bounds, LongSupplier nanoClock) {
        List<TestBlock> tests = TestBlocks.read(text, new Diagnostics("", text)).tests();
        long events = 0;
        for (TestBlock test : tests) {
            events += test.given().size();
        }
        if (events > bounds.maxEvents()) {
            return new TestReport(List.of(), "the tests hold " + events + " events; the tests of a rule file may "
                    + "hold at most " + bounds.maxEvents() + " here (vigil test runs larger ones)");
        }
        long deadline = bounds.maxNanos() == Long.MAX_VALUE ? Long.MAX_VALUE
                : nanoClock.getAsLong() + bounds.maxNanos();
        List<TestResult> results = new ArrayList<>();
        for (TestBlock test : tests) {
            results.add(run(test, compiled, bounds, deadline, nanoClock));
        }
        return new TestReport(results, null);
    }

    private static TestResult run(TestBlock test, CompileResult compiled, Bounds bounds, long deadline,
            LongSupplier nanoClock) {
        List<String> invalid = new ArrayList<>();
        List<ExpectedAlert> expected = new ArrayList<>();
        for (TestBlock.Line line : test.expect()) {
            ExpectedAlert.Read read = ExpectedAlert.read(line.number(), line.text());
            if (read instanceof ExpectedAlert.Invalid bad) {
                invalid.add("line " + line.number() + ": EXPECT line: " + bad.message());
            } else {
                expected.add(((ExpectedAlert.Valid) read).alert());
            }
        }
        EventDecoder decoder = new EventDecoder(compiled.streams(), true);
        List<InputLine> given = new ArrayList<>();
        for (TestBlock.Line line : test.given()) {
            // numbered as a file of the GIVEN lines would be, so alert ids are those vigil run gives for it
            InputLine read = InputLine.parse(line.text(), given.size() + 1, decoder);
            if (read instanceof InputLine.Malformed bad) {
                invalid.add("line " + line.number() + ": GIVEN line: " + bad.message());
            }
            given.add(read);
        }
        if (!invalid.isEmpty()) {
            return result(test, TestResult.Status.INVALID, invalid, 0, 0);
        }

        List<Alert> alerts = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int[] current = {0};
        EngineListener listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                if (alerts.size() <= bounds.maxAlerts()) {   // one beyond the bound says it was passed
                    alerts.add(alert);
                }
            }

            @Override
            public void onLateEvent(LateEvent late) {
                notes.add("note: line " + test.given().get(current[0]).number() + ": the event is late and was not "
                        + "matched: " + late.reason());
            }
        };
        Engine engine = new Engine(compiled.rules(), EngineConfig.defaults()
                .withTimeMode(EngineConfig.TimeMode.EVENT), listener);
        for (; current[0] < given.size(); current[0]++) {
            InputLine line = given.get(current[0]);
            if (line instanceof InputLine.EventLine event) {
                engine.offer(event.event());
            } else if (line instanceof InputLine.WatermarkLine watermark) {
                watermark.applyTo(engine);
            }
            String stop = deadline != Long.MAX_VALUE && nanoClock.getAsLong() - deadline > 0
                    ? "the tests of a rule file may run for at most " + bounds.maxNanos() / 1_000_000_000L + " s here"
                    : tooMany(alerts, bounds);
            if (stop != null) {
                return result(test, TestResult.Status.INVALID, List.of("stopped after " + (current[0] + 1) + " of "
                        + given.size() + " events: " + stop), current[0] + 1, alerts.size());
            }
        }
        current[0] = Math.max(0, given.size() - 1);   // what the end of input does is reported at the last line
        engine.finish();
        if (tooMany(alerts, bounds) != null) {
            return result(test, TestResult.Status.INVALID, List.of("emitted " + tooMany(alerts, bounds)),
                    given.size(), alerts.size());
        }
        List<String> diff = compare(expected, alerts);
        if (diff.isEmpty()) {
            return result(test, TestResult.Status.PASSED, List.of(), given.size(), alerts.size());
        }
        diff.addAll(notes);
        return result(test, TestResult.Status.FAILED, diff, given.size(), alerts.size());
    }

    /** Why the alerts so far are too many ({@code more than 1000 alerts; ...}), or null. */
    private static String tooMany(List<Alert> alerts, Bounds bounds) {
        return alerts.size() <= bounds.maxAlerts() ? null
                : "more than " + bounds.maxAlerts() + " alerts; a test may emit at most " + bounds.maxAlerts()
                        + " here";
    }

    /** The differences between the expected and the emitted alerts, position by position. */
    private static List<String> compare(List<ExpectedAlert> expected, List<Alert> alerts) {
        List<String> diff = new ArrayList<>();
        for (int i = 0; i < Math.max(expected.size(), alerts.size()); i++) {
            ExpectedAlert want = i < expected.size() ? expected.get(i) : null;
            Map<String, Object> got = i < alerts.size() ? json(alerts.get(i)) : null;
            String where = "alert " + (i + 1) + (want == null ? "" : " (line " + want.line() + ")") + ": ";
            if (got == null) {
                diff.add(where + "expected, not emitted: " + JsonCodec.value(want.fields()));
            } else if (want == null) {
                diff.add(where + "emitted, not expected: " + JsonCodec.value(brief(got)));
            } else {
                String difference = want.difference(got);
                if (difference != null) {
                    diff.add(where + difference);
                }
            }
        }
        return diff;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Alert alert) {
        try {
            return (Map<String, Object>) JsonCodec.parseInput(JsonCodec.alert(alert));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an alert is JSON: " + e.getMessage(), e);
        }
    }

    /** An unexpected alert as a diff shows it: what tells it apart, without its events. */
    private static Map<String, Object> brief(Map<String, Object> alert) {
        Map<String, Object> brief = new LinkedHashMap<>();
        for (String field : List.of("rule", "kind", "key", "start", "end", "timeoutAt", "fields")) {
            if (alert.containsKey(field)) {
                brief.put(field, alert.get(field));
            }
        }
        return brief;
    }

    private static TestResult result(TestBlock test, TestResult.Status status, List<String> diff, int events,
            int alerts) {
        return new TestResult(test.name(), test.span().line(), test.span().column(), status, diff, events, alerts);
    }
}
