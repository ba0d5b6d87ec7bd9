package dev.vigil.cli;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
                + "stderr. Gzip-compressed input is read as such, whatever its name.",
            "With --kafka-topics, the input is instead every record the topics hold when the run starts, read as "
                + "vigil serve reads them (each partition's time its own, events named by topic, partition and "
                + "offset), so the alerts are those a server reading the topics makes, ids included."},
        footer = {"", "Exit status: 0 the whole input was read (malformed and late lines do not change that); 1 a "
                + "rule file has mistakes; 2 bad usage or an unreadable file; 3 the Kafka cluster cannot be reached, "
                + "a topic does not exist, or records stopped coming before the topics' ends."})
final class RunCommand implements Callable<Integer> {
    enum TimeChoice { event, processing }

    enum WatermarkSource { events, input }

    @Spec
    CommandSpec spec;

    @Mixin
    CompileLimitOptions compileLimits;

    @Option(names = "--rules", arity = "1..*", required = true, paramLabel = "FILE",
            description = "Rule files (.cep, or .sql in MATCH_RECOGNIZE form).")
    List<Path> ruleFiles;

    @Option(names = "--events", paramLabel = "FILE|-", defaultValue = "-",
            description = "NDJSON events to read; - for standard input (default).")
    String events;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT,...",
            description = "The Kafka cluster of --kafka-topics.")
    String kafkaBootstrap;

    @Option(names = "--kafka-topics", paramLabel = "TOPIC[=STREAM]", split = ",",
            description = "Read these topics instead of --events: every partition from its first record to its end "
                    + "when the run starts (committed records only); TOPIC=STREAM: the topic's events are of "
                    + "STREAM, TOPIC alone: each value names its stream, as for vigil serve.")
    List<String> kafkaTopics;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka consumer setting (security, timeouts), as kafkaProperties of vigil serve; "
                    + "repeatable.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--kafka-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long the cluster may take to answer, and to send the next records while some are "
                    + "due (default: ${DEFAULT-VALUE}).")
    long kafkaTimeoutMs;

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
        String kafkaProblem = kafkaProblem();
        if (kafkaProblem != null) {
            err.println("vigil run: " + kafkaProblem);
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
        Replay replay = new Replay(loaded.rules(), config, System::currentTimeMillis);

        PrintWriter out = spec.commandLine().getOut();
        try (Replay.Input input = input(loaded, decoder);
                PrintWriter lateOut = late == null ? null
                        : new PrintWriter(Files.newBufferedWriter(late, StandardCharsets.UTF_8))) {
            Replay.Summary summary = replay.run(input, out, lateOut, err);
            err.println(summary.render());
        } catch (KafkaInput.Unreadable unreadable) {
            err.println("vigil run: " + unreadable.getMessage());
            return EXIT_KAFKA_UNREADABLE;
        } catch (IOException failed) {
            err.println("vigil run: stopped: " + failed.getMessage() + " (reading " + (kafkaTopics != null
                    ? "topics " + String.join(",", kafkaTopics) : events.equals("-") ? "standard input" : events)
                    + (late == null ? "" : ", writing " + late) + ")");
            return Vigil.EXIT_USAGE;
        }
        return 0;
    }

    /** Exit status when the topics of {@code --kafka-topics} cannot be read to their ends. */
    static final int EXIT_KAFKA_UNREADABLE = 3;

    private Replay.Input input(RuleFiles loaded, EventDecoder decoder) throws IOException {
        if (kafkaTopics != null) {
            Logging.quietKafkaClient();
            return KafkaInput.open(kafkaBootstrap, ServerConfig.KafkaSource.topics(kafkaTopics), kafkaProperties,
                    kafkaTimeoutMs, loaded.rules(), watermarkDelayMs, decoder, time == TimeChoice.event,
                    watermarks == WatermarkSource.input);
        }
        return new Replay.Lines(InputLines.of(events.equals("-") ? System.in : Files.newInputStream(Path.of(events)),
                maxLineBytes), decoder);
    }

    /** What is wrong with the Kafka options, or null. */
    private String kafkaProblem() {
        if (kafkaTopics == null) {
            return kafkaBootstrap == null ? null : "--kafka-bootstrap needs --kafka-topics: the topics to read";
        }
        if (kafkaBootstrap == null) {
            return "--kafka-topics needs --kafka-bootstrap: the cluster to read them from";
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--events")) {
            return "give --events or --kafka-topics, not both";
        }
        if (kafkaTimeoutMs < 1) {
            return "--kafka-timeout must be at least 1ms, got " + kafkaTimeoutMs + "ms";
        }
        for (String entry : kafkaTopics) {
            String problem = ServerConfig.KafkaSource.topicProblem(entry);
            if (problem != null) {
                return "--kafka-topics: " + problem;
            }
        }
        Set<String> seen = new HashSet<>();
        for (String entry : kafkaTopics) {
            String topic = entry.split("=", 2)[0].strip();
            if (!seen.add(topic)) {
                return "--kafka-topics names topic '" + topic + "' twice";
            }
        }
        return null;
    }

    /** Why {@code --events} or {@code --late} cannot be used, or null when both can. */
    private String unusableFiles() {
        String problem = events.equals("-") || kafkaTopics != null ? null : FileArguments.unreadable(Path.of(events));
        if (problem == null && late != null) {
            problem = FileArguments.unwritable(late);
        }
        return problem;
    }

}
