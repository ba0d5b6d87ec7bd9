package dev.vigil.cli;

import dev.vigil.loadgen.BenchException;
import dev.vigil.loadgen.BenchReport;
import dev.vigil.loadgen.BenchResult;
import dev.vigil.loadgen.BenchSettings;
import dev.vigil.loadgen.LoadGenerator;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil bench}: drives a running server over WebSocket with generated events and reports sustained
 * events/s and event-to-alert latency (see {@link LoadGenerator}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure a running server (vigil serve): deploy the rule bench_seq over streams of its own, "
                + "stream generated events over /v1/events, receive the rule's alerts on /v1/alerts, delete the "
                + "rule, and report events acknowledged per second and event-to-alert latency (p50, p90, p99, "
                + "p99.9, max; HdrHistogram). Other rules keep their state, but a stream with no active source follows the "
                + "furthest active stream's time, which the bench's wall-clock timestamps push ahead: run it "
                + "against a server whose other streams are being fed, or a spare one.",
            "Each message holds --batch events and a watermark at its own timestamp (event time is the wall clock "
                + "in milliseconds, strictly increasing per connection), so the engine releases its events at "
                + "once; latency runs from the time a message was due to be sent (at a fixed --rate, its place "
                + "in the schedule, so a server that stalls the client is charged for the stall) to the alert's "
                + "arrival. One key in ten completes "
                + "the rule's pattern 'a b'; the others only start partial matches."},
        footer = {"", "Examples:",
            "  vigil bench --batch 1000 --connections 2     # throughput: as fast as acknowledged",
            "  vigil bench --rate 10000 --batch 10          # latency at a fixed rate",
            "", "Exit status: 0 the run completed and every event and alert was accounted for; 2 bad usage; "
                + "3 no server at --url; 4 the server refused the token (401/403); 5 the server refused the bench "
                + "rule; 6 the run failed or is incomplete (a connection closed, events unacknowledged or refused, "
                + "alerts missing): the report says which."})
final class BenchCommand implements Callable<Integer> {
    /** The variable that held the bench's token before every client command read {@code VIGIL_TOKEN}; deprecated. */
    static final String DEPRECATED_TOKEN_ENV = "VIGIL_BENCH_TOKEN";

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to send after the warm-up, such as 30s or 2m (default: ${DEFAULT-VALUE}).")
    long durationMs;

    @Option(names = "--events", paramLabel = "N", defaultValue = "0",
            description = "Send N events after the warm-up instead of sending for --duration.")
    long events;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "0",
            description = "Events per second over all connections; 0 sends as fast as the server acknowledges "
                    + "(default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "100",
            description = "Events per WebSocket message (default: ${DEFAULT-VALUE}); the server's "
                    + "maxEventsPerBatch counts them and the watermark each message ends with.")
    int batch;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "10000",
            description = "Distinct partition keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1",
            description = "Parallel sending WebSockets, each with its own thread, stream and keys "
                    + "(default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Send this long before measuring (default: ${DEFAULT-VALUE}).")
    long warmupMs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the key order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = "8",
            description = "Unacknowledged messages per connection at most: how the client follows the server's "
                    + "backpressure (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--json", description = "Print the result as one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        readDeprecatedToken(System.getenv(DEPRECATED_TOKEN_ENV), err);
        ConnectionOptions.Target target = connection.target("vigil bench", err);
        if (target == null) {
            return Vigil.EXIT_USAGE;
        }
        BenchSettings settings;
        try {
            settings = new BenchSettings(target.server(), durationMs, events, rate, batch, keys, connections,
                    warmupMs, seed, inFlight);
        } catch (IllegalArgumentException e) {
            err.println("vigil bench: " + e.getMessage());
            return Vigil.EXIT_USAGE;
        }
        BenchResult result;
        try {
            result = LoadGenerator.run(settings, target.http(), err);
        } catch (BenchException failed) {
            err.println("vigil bench: " + failed.getMessage());
            return failed.kind().exitStatus();
        }
        out.print(json ? BenchReport.json(result) + "\n" : BenchReport.text(result));
        out.flush();
        return result.complete() ? 0 : BenchException.Kind.RUN_FAILED.exitStatus();
    }

    /**
     * Takes the token from {@code VIGIL_BENCH_TOKEN} when neither {@code --token} nor {@code VIGIL_TOKEN} gives one,
     * so existing scripts keep working, and says on {@code err} that the name is deprecated either way.
     */
    private void readDeprecatedToken(String deprecated, PrintWriter err) {
        if (deprecated == null || deprecated.isEmpty()) {
            return;
        }
        if (connection.token == null || connection.token.isEmpty()) {
            connection.token = deprecated;
            err.println("vigil bench: " + DEPRECATED_TOKEN_ENV + " is deprecated: set " + ConnectionOptions.TOKEN_ENV
                    + " instead, as for every other command");
        } else {
            err.println("vigil bench: " + DEPRECATED_TOKEN_ENV + " is deprecated and ignored: the token comes from "
                    + "--token or " + ConnectionOptions.TOKEN_ENV);
        }
        err.flush();
    }
}
