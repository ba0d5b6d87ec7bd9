package dev.vigil.cli;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EventDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil run}: runs rules over NDJSON events and writes alerts as NDJSON on stdout. Deterministic in event
 * time: the same input always gives the same alerts, ids included.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run rules over NDJSON events (one JSON object per line with 'stream', 'ts' as epoch "
                + "milliseconds or ISO-8601, and fields) and write alerts as NDJSON on stdout.",
            "A line {\"watermark\": ts} (optionally with \"stream\") advances the watermark explicitly. Malformed "
                + "and too long lines are reported on stderr with their line number and skipped; a summary goes to "
                + "stderr. Gzip-compressed input is read as such, whatever its name."})
final class RunCommand implements Callable<Integer> {
    enum TimeChoice { event, processing }

    enum WatermarkSource { events, input }

    @Spec
    CommandSpec spec;

    @Mixin
    CompileLimitOptions compileLimits;

    @Option(names = "--rules", arity = "1..*", required = true, paramLabel = "FILE",
            description = "Rule files (.cep).")
    List<Path> ruleFiles;

    @Option(names = "--events", paramLabel = "FILE|-", defaultValue = "-",
            description = "NDJSON events to read; - for standard input (default).")
    String events;

    @Option(names = "--max-line-bytes", paramLabel = "N", defaultValue = "" + InputLines.DEFAULT_MAX_LINE_BYTES,
            description = "Longest input line read, in bytes (after decompression); a longer line is reported and "
                    + "skipped (default: ${DEFAULT-VALUE}, the server's largest WebSocket message).")
    int maxLineBytes;

    @Option(names = "--time", defaultValue = "event", paramLabel = "event|processing",
            description = "event (default): buffer until the watermark, deterministic; processing: match on "
                    + "arrival, timers on the wall clock.")
    TimeChoice time;

    @Option(names = "--late", paramLabel = "FILE",
            description = "Write late events (with the reason) as NDJSON to FILE; default: report them on stderr.")
    Path late;

    @Option(names = "--watermark-delay", paramLabel = "DURATION", defaultValue = "0",
            converter = DurationConverter.class,
            description = "Watermark delay for streams without a WATERMARK DELAY declaration, such as 5s "
                    + "(default: 0).")
    long watermarkDelayMs;

    @Option(names = "--watermarks", defaultValue = "events", paramLabel = "events|input",
            description = "events (default): watermarks follow event timestamps; input: only {\"watermark\": ts} "
                    + "lines move them, so a recording replays with exactly its watermarks.")
    WatermarkSource watermarks;

    @Option(names = "--max-partial-matches", paramLabel = "N",
            defaultValue = "" + EngineConfig.DEFAULT_MAX_PARTIAL_MATCHES_PER_KEY,
            description = "Bound on partial matches per rule and key; the oldest are dropped beyond it "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxPartialMatches;

    @Option(names = "--max-work-per-event", paramLabel = "N",
            defaultValue = "" + EngineConfig.DEFAULT_MAX_WORK_PER_EVENT,
            description = "Bound on the work one event may cost a rule's key (runs stepped and created, shared-buffer "
                    + "edges examined, events copied into matches); beyond it the key's partial matches are all "
                    + "dropped (default: ${DEFAULT-VALUE}).")
    long maxWorkPerEvent;

    @Option(names = "--max-keys", paramLabel = "N",
            description = "Bound on keys holding partial matches, per rule and in all; beyond it the key that has "
                    + "held them the longest loses them, reported on stderr (default: half of this JVM's heap at "
                    + "2 KiB a key, ${DEFAULT-VALUE}).")
    int maxKeys = EngineConfig.KeyBounds.forHeap(Runtime.getRuntime().maxMemory()).maxKeys();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (maxPartialMatches < 1) {
            err.println("vigil run: --max-partial-matches must be at least 1, got " + maxPartialMatches);
            return Vigil.EXIT_USAGE;
        }
        CompileLimits limits = compileLimits.limits(err, "run");
        if (limits == null) {
            return Vigil.EXIT_USAGE;
        }
        if (maxLineBytes < 1) {
            err.println("vigil run: --max-line-bytes must be at least 1, got " + maxLineBytes);
            return Vigil.EXIT_USAGE;
        }
        if (maxWorkPerEvent < 1) {
            err.println("vigil run: --max-work-per-event must be at least 1, got " + maxWorkPerEvent);
            return Vigil.EXIT_USAGE;
        }
        if (maxKeys < 1) {
            err.println("vigil run: --max-keys must be at least 1, got " + maxKeys);
            return Vigil.EXIT_USAGE;
        }
        String unusable = unusableFiles();
        if (unusable != null) {
            err.println("vigil run: " + unusable);
            return Vigil.EXIT_USAGE;
        }
        RuleFiles loaded = RuleFiles.load(ruleFiles, limits);
        int status = loaded.report(err);
        if (status != 0) {
            return status;
        }
        EngineConfig config = EngineConfig.defaults()
                .withTimeMode(time == TimeChoice.processing ? EngineConfig.TimeMode.PROCESSING
                        : EngineConfig.TimeMode.EVENT)
                .withDefaultWatermarkDelayMs(watermarkDelayMs)
                .withWatermarksFromInputOnly(watermarks == WatermarkSource.input)
                .withMaxPartialMatchesPerKey(maxPartialMatches)
                .withMaxWorkPerEvent(maxWorkPerEvent)
                .withKeyBounds(new EngineConfig.KeyBounds(maxKeys, maxKeys));
        EventDecoder decoder = new EventDecoder(loaded.streams(), time == TimeChoice.event);
        Replay replay = new Replay(loaded.rules(), decoder, config, System::currentTimeMillis);

        PrintWriter out = spec.commandLine().getOut();
        try (InputLines input = InputLines.of(events.equals("-") ? System.in : Files.newInputStream(Path.of(events)),
                    maxLineBytes);
                PrintWriter lateOut = late == null ? null
                        : new PrintWriter(Files.newBufferedWriter(late, StandardCharsets.UTF_8))) {
            Replay.Summary summary = replay.run(input, out, lateOut, err);
            err.println(summary.render());
        } catch (IOException failed) {
            err.println("vigil run: stopped: " + failed.getMessage() + " (reading "
                    + (events.equals("-") ? "standard input" : events)
                    + (late == null ? "" : ", writing " + late) + ")");
            return Vigil.EXIT_USAGE;
        }
        return 0;
    }

    /** Why {@code --events} or {@code --late} cannot be used, or null when both can. */
    private String unusableFiles() {
        String problem = events.equals("-") ? null : FileArguments.unreadable(Path.of(events));
        if (problem == null && late != null) {
            problem = FileArguments.unwritable(late);
        }
        return problem;
    }

}
