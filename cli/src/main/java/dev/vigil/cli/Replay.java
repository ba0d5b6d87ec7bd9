package dev.vigil.cli;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.LateEvent;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.JsonCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The loop behind {@code vigil run}: reads NDJSON lines ({@link InputLines}: plain or gzip, each line bounded),
 * feeds events and watermarks to an {@link Engine}, and writes alerts (one JSON object per line) as they come.
 * Malformed and too long lines are reported with their line number and skipped. Golden tests drive this same class, so what they check is what users run.
 *
 * <p>In event time the output depends only on the input. In processing time every event is stamped with the
 * clock's time on arrival (events need no {@code ts}), and timers fire on the clock.
 */
final class Replay {
    /** What a run did, for the summary line on stderr. */
    record Summary(long lines, long events, long alerts, long matches, long timeouts, long late, long malformed,
            long unrouted) {
        String render() {
            return "vigil run: " + events + " events, " + alerts + " alerts (" + matches + " matches, " + timeouts
                    + " timeouts), " + late + " late, " + malformed + " malformed, " + unrouted
                    + " for no rule, from " + lines + " lines";
        }
    }

    private final List<CompiledRule> rules;
    private final EventDecoder decoder;
    private final EngineConfig config;
    private final LongSupplier clock;

    Replay(List<CompiledRule> rules, EventDecoder decoder, EngineConfig config, LongSupplier clock) {
        this.rules = rules;
        this.decoder = decoder;
        this.config = config;
        this.clock = clock;
    }

    /** A key as a problem line shows it: a key is any value of the input, so a long one is cut. */
    static String shortKey(Object key) {
        String text = String.valueOf(key);
        return text.length() <= MAX_KEY_CHARS ? text : text.substring(0, MAX_KEY_CHARS - 3) + "...";
    }

    private static final int MAX_KEY_CHARS = 200;

    /**
     * @param alerts where alert lines go
     * @param lateOut where late-event lines go, or {@code null} to report them on {@code problems}
     * @param problems where malformed lines (and late events without {@code lateOut}) are reported
     */
    Summary run(InputLines input, PrintWriter alerts, PrintWriter lateOut, PrintWriter problems)
            throws IOException {
        boolean processingTime = config.timeMode() == EngineConfig.TimeMode.PROCESSING;
        long[] lineNumber = {0};
        long[] alertCount = {0};
        EngineListener listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alertCount[0]++;
                alerts.println(JsonCodec.alert(alert));
                if (processingTime) {
                    alerts.flush();
                }
            }

            @Override
            public void onLateEvent(LateEvent late) {
                if (lateOut != null) {
                    lateOut.println(JsonCodec.late(late, late.event().sequence()));
                } else {
                    problems.println("line " + late.event().sequence() + ": late event: " + late.reason());
                }
            }

            @Override
            public void onPartialMatchesDropped(String rule, Object key, int count) {
                problems.println("line " + lineNumber[0] + ": rule " + rule + ", key " + shortKey(key) + ": dropped "
                        + count + " oldest partial match(es) (bound of " + config.maxPartialMatchesPerKey()
                        + " per key)");
            }

            @Override
            public void onWorkBoundExceeded(String rule, Object key, int count) {
                problems.println("line " + lineNumber[0] + ": rule " + rule + ", key " + key + ": an event needed more"
                        + " than " + config.maxWorkPerEvent() + " units of work; dropped the key's " + count
                        + " partial match(es) (work bound per event and key)");
            }

            @Override
            public void onKeyEvicted(String rule, Object key, int partialMatches) {
                problems.println("line " + lineNumber[0] + ": rule " + rule + ", key " + key + ": evicted with "
                        + partialMatches + " partial match(es) (bound of " + config.keyBounds().maxKeysPerRule()
                        + " keys holding partial matches per rule, " + config.keyBounds().maxKeys() + " in all)");
            }
        };
        Engine engine = new Engine(rules, config, listener);
        long malformed = 0;
        String text;
        while ((text = input.next()) != null) {
            lineNumber[0]++;
            if (input.tooLong()) {
                malformed++;
                problems.println("line " + lineNumber[0] + ": " + input.tooLongMessage() + " (line skipped)");
                continue;
            }
            if (processingTime) {
                engine.advanceProcessingTime(clock.getAsLong());
            }
            InputLine line = InputLine.parse(text, lineNumber[0], decoder);
            if (line instanceof InputLine.EventLine eventLine) {
                Event event = eventLine.event();
                if (processingTime && event.timestamp() == Long.MIN_VALUE) {
                    event = new Event(event.stream(), clock.getAsLong(), event.sequence(), event.identity(),
                            event.fields());
                }
                engine.offer(event);
            } else if (line instanceof InputLine.WatermarkLine watermark) {
                watermark.applyTo(engine);
            } else if (line instanceof InputLine.Malformed bad) {
                malformed++;
                problems.println("line " + lineNumber[0] + ": " + bad.message() + " (line skipped)");
            }
        }
        engine.finish();
        alerts.flush();
        if (lateOut != null) {
            lateOut.flush();
        }
        EngineCounters counters = engine.counters();
        return new Summary(lineNumber[0], counters.events(), alertCount[0], counters.matches(), counters.timeouts(),
                counters.late(), malformed, counters.unrouted());
    }
}
