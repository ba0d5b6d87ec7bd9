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
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The loop behind {@code vigil run}: reads input lines (a file's NDJSON lines, {@link Lines}, or the records of
 * Kafka topics, {@link KafkaInput}), feeds events and watermarks to an {@link Engine}, and writes alerts (one JSON
 * object per line) as they come. Malformed and too long lines are reported where they were (line number, or topic,
 * partition and offset) and skipped. Golden tests drive this same class, so what they check is what users run.
 *
 * <p>In event time the output depends only on the input. In processing time every event is stamped with the
 * clock's time on arrival (events need no {@code ts}), and timers fire on the clock.
 */
final class Replay {
    /** What a run did, for the summary line on stderr. */
    record Summary(String read, long events, long alerts, long matches, long timeouts, long late, long malformed,
            long unrouted) {
        String render() {
            return "vigil run: " + events + " events, " + alerts + " alerts (" + matches + " matches, " + timeouts
                    + " timeouts), " + late + " late, " + malformed + " malformed, " + unrouted
                    + " for no rule, from " + read;
        }
    }

    /** Where a run's input comes from: lines decoded one at a time, each with its place for a problem report. */
    interface Input extends java.io.Closeable {
        /** The next line, decoded into an event, a watermark or a malformed line; null at the end. */
        InputLine next() throws IOException;

        /** Where the line {@link #next} returned last was: {@code line 12}, or a record's topic, partition, offset. */
        String where();

        /** The same place as fields of a late event's report: {@code line}, or {@code topic}/{@code partition}/... */
        Map<String, Object> position();

        /** What the input is made of, for "line skipped": {@code line}, {@code record}. */
        String unit();

        /** What was read, for the summary: {@code 12 lines}. */
        String read();

        /** Whether {@code {"watermark": ...}} lines and the input's own time are the engine's only watermarks. */
        default boolean watermarksItsOwn() {
            return false;
        }
    }

    /** A file's NDJSON lines (plain or gzip, each bounded: {@link InputLines}), numbered from 1. */
    static final class Lines implements Input {
        private final InputLines lines;
        private final EventDecoder decoder;
        private long number;

        Lines(InputLines lines, EventDecoder decoder) {
            this.lines = lines;
            this.decoder = decoder;
        }

        @Override
        public InputLine next() throws IOException {
            String text = lines.next();
            if (text == null) {
                return null;
            }
            number++;
            return lines.tooLong() ? new InputLine.Malformed(lines.tooLongMessage())
                    : InputLine.parse(text, number, decoder);
        }

        @Override
        public String where() {
            return "line " + number;
        }

        @Override
        public Map<String, Object> position() {
            return Map.of("line", number);
        }

        @Override
        public String unit() {
            return "line";
        }

        @Override
        public String read() {
            return number + " lines";
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    private final List<CompiledRule> rules;
    private final EngineConfig config;
    private final LongSupplier clock;

    Replay(List<CompiledRule> rules, EngineConfig config, LongSupplier clock) {
        this.rules = rules;
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
    Summary run(Input input, PrintWriter alerts, PrintWriter lateOut, PrintWriter problems) throws IOException {
        EngineConfig config = input.watermarksItsOwn() ? this.config.withWatermarksFromInputOnly(true) : this.config;
        boolean processingTime = config.timeMode() == EngineConfig.TimeMode.PROCESSING;
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
                    lateOut.println(JsonCodec.late(late, input.position()));
                } else {
                    problems.println(input.where() + ": late event: " + late.reason());
                }
            }

            @Override
            public void onPartialMatchesDropped(String rule, Object key, int count) {
                problems.println(input.where() + ": rule " + rule + ", key " + shortKey(key) + ": dropped "
                        + count + " oldest partial match(es) (bound of " + config.maxPartialMatchesPerKey()
                        + " per key)");
            }

            @Override
            public void onWorkBoundExceeded(String rule, Object key, int count) {
                problems.println(input.where() + ": rule " + rule + ", key " + key + ": an event needed more"
                        + " than " + config.maxWorkPerEvent() + " units of work; dropped the key's " + count
                        + " partial match(es) (work bound per event and key)");
            }

            @Override
            public void onKeyEvicted(String rule, Object key, int partialMatches) {
                problems.println(input.where() + ": rule " + rule + ", key " + key + ": evicted with "
                        + partialMatches + " partial match(es) (bound of " + config.keyBounds().maxKeysPerRule()
                        + " keys holding partial matches per rule, " + config.keyBounds().maxKeys() + " in all)");
            }
        };
        Engine engine = new Engine(rules, config, listener);
        long malformed = 0;
        InputLine line;
        while ((line = input.next()) != null) {
            if (processingTime) {
                engine.advanceProcessingTime(clock.getAsLong());
            }
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
                problems.println(input.where() + ": " + bad.message() + " (" + input.unit() + " skipped)");
            }
        }
        engine.finish();
        alerts.flush();
        if (lateOut != null) {
            lateOut.flush();
        }
        EngineCounters counters = engine.counters();
        return new Summary(input.read(), counters.events(), alertCount[0], counters.matches(), counters.timeouts(),
                counters.late(), malformed, counters.unrouted());
    }
}
