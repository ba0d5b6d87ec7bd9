package dev.vigil.cli;

import dev.vigil.client.ConnectFailure;
import dev.vigil.client.ServerAddress;
import dev.vigil.client.TextMessages;
import dev.vigil.wire.BatchId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil send}: streams an NDJSON file of events (and watermarks) to a running server over its WebSocket,
 * one message per {@code --batch} lines, each acknowledged before the next is sent; refused lines are reported
 * with their line numbers in the file. Gzip-compressed input is read as such; a line longer than the server's
 * largest WebSocket message (by default) is refused here, without being sent.
 *
 * <p>Each message is a named batch ({@link BatchId}: a first line {@code {"batch": "<producer>:<n>"}}, then the
 * lines), {@code n} the message's index in the input: the server takes every batch once, however often the file is
 * sent, and names its events after the batch, so a resend after a crash of either side gives the same alerts with
 * the same ids. The producer is {@code --producer}, else, for a file, one derived from the file (see
 * {@link #producerOf}); standard input without {@code --producer} is sent unnamed, as before batches had names.
 * {@code --resume} asks the server for the producer's highest batch taken ({@code GET /v1/producers/<id>}) and
 * starts after it; without it the whole input is sent and the batches taken before are acknowledged as duplicates.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Stream NDJSON events to a running server over the WebSocket /v1/events, --batch lines per "
                + "message, waiting for each acknowledgement. Refused lines are printed on stderr with their line "
                + "number (the first " + SendCommand.MAX_REPORTED + "); a summary with every count goes to stdout. "
                + "Gzip-compressed input is read as such, whatever its name; a line longer than "
                + InputLines.DEFAULT_MAX_LINE_BYTES + " bytes is refused without being sent.",
            "Every message is a named batch <producer>:<index of the message>, so the server takes it once however "
                + "often it is sent, and its alerts keep their ids: after a crash (of the server or of vigil send), "
                + "send the same file again with the same --batch, or add --resume to skip what the server took.",
            "When the connection is lost, it stops at once and says the last line the server answered.",
            "Exit status: 0 every line accepted; 1 a line refused, or the connection lost on the way; 2 bad usage or "
                + "an unreadable file; 3 no server answers; 4 the server refuses the token."})
final class SendCommand implements Callable<Integer> {
    /** How long to wait for one acknowledgement: the server may be pausing the connection under load. */
    static final long ACK_TIMEOUT_SECONDS = 60;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|-", defaultValue = "-", description = "NDJSON to send; - for standard input.")
    String input;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--source", paramLabel = "NAME",
            description = "Name of this source of event time (default: one the server picks).")
    String source;

    @Option(names = "--batch", paramLabel = "LINES", defaultValue = "500",
            description = "Lines per WebSocket message (default: ${DEFAULT-VALUE}); a file's batches are cut the "
                    + "same way every time, so keep it when sending a file again.")
    int batch;

    @Option(names = "--producer", paramLabel = "ID",
            description = "Names the batches <ID>:<index> (1 to 64 letters, digits, '.', '_', ':', '-'). Default "
                    + "for a file: file-<16 hex digits of SHA-256 over its absolute path, size, modification time "
                    + "and --batch>, the same while the file is unchanged; standard input without it is sent "
                    + "unnamed (no deduplication).")
    String producer;

    @Option(names = "--resume",
            description = "Ask the server which batch of the producer it took last (GET /v1/producers/<ID>) and "
                    + "send from the one after it; without it everything is sent, and what the server took before "
                    + "is acknowledged as a duplicate without being taken again.")
    boolean resume;

    /** The most refusals printed on stderr; the summary counts them all. */
    static final int MAX_REPORTED = 100;
    /** The longest refusal printed. */
    static final int MAX_REPORT_CHARS = 400;

    private long accepted;
    private long reported;
    /** Refused lines whose reason was not printed: beyond {@link #MAX_REPORTED}, or not listed by the server. */
    private long unprinted;
    private long late;
    private long refused;
    /** Accepted events of streams no rule reads, and the first names of those streams the server gave. */
    private long unrouted;
    private final Set<String> unroutedStreams = new LinkedHashSet<>();
    /** How many such stream names the summary lists. */
    static final int MAX_UNROUTED_STREAMS = 10;
    /** The last line of the input the server answered (accepted or refused); 0 before the first answer. */
    private long answeredThrough;
    /** Batches the server had taken before and acknowledged as duplicates. */
    private long duplicates;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batch < 1) {
            err.println("vigil send: --batch must be at least 1, got " + batch);
            return Vigil.EXIT_USAGE;
        }
        String unreadable = input.equals("-") ? null : FileArguments.unreadable(Path.of(input));
        if (unreadable != null) {
            err.println("vigil send: " + unreadable);
            return Vigil.EXIT_USAGE;
        }
        ConnectionOptions.Target target = connection.target("vigil send", err);
        if (target == null) {
            return Vigil.EXIT_USAGE;
        }
        ServerAddress server = target.server();
        HttpClient http = target.http();
        String named;
        try {
            named = producer != null ? new BatchId(producer, 0).producer()
                    : input.equals("-") ? null : producerOf(Path.of(input), batch);
        } catch (IllegalArgumentException | IOException bad) {
            err.println("vigil send: " + (bad instanceof IOException ? "cannot read " + input + ": " : "--producer: ")
                    + bad.getMessage());
            return Vigil.EXIT_USAGE;
        }
        if (resume && named == null) {
            err.println("vigil send: --resume needs named batches: give --producer when reading standard input");
            return Vigil.EXIT_USAGE;
        }
        long resumeAfter = -1;   // the producer's highest batch the server took; -1: none
        if (resume) {
            Long taken = highestTaken(http, server, named, err);
            if (taken == null) {
                return ConnectFailure.REFUSED;
            }
            resumeAfter = taken;
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("source", source);
        TextMessages acks = new TextMessages();
        WebSocket socket;
        try {
            socket = server.open(http, "/v1/events", query, acks).get();
        } catch (ExecutionException failed) {
            err.println("vigil send: " + ConnectFailure.describe(server.webSocket("/v1/events", query), failed));
            return ConnectFailure.exitStatus(failed);
        }
        long lines = 0;
        long messages = 0;
        long skipped = 0;
        try (InputLines reader = InputLines.of(input.equals("-") ? System.in : Files.newInputStream(Path.of(input)),
                InputLines.DEFAULT_MAX_LINE_BYTES)) {
            List<String> frame = new ArrayList<>(batch);
            String line;
            long index = 0;
            while (true) {
                line = reader.next();
                boolean tooLong = line != null && reader.tooLong();
                if (line != null && !tooLong) {
                    frame.add(line);
                    lines++;
                }
                // a too long line is refused here, after the lines before it: refusals are said in line order
                if (!frame.isEmpty() && (frame.size() == batch || line == null || tooLong)) {
                    if (index <= resumeAfter) {
                        skipped += frame.size();
                        answeredThrough = lines;
                    } else {
                        messages++;
                        String problem = sendAndAwait(socket, acks, named == null ? null : named + ":" + index,
                                frame, lines - frame.size() + 1, err);
                        if (problem != null) {
                            err.println("vigil send: " + problem);
                            return Vigil.EXIT_RULE_ERRORS;
                        }
                    }
                    index++;
                    frame.clear();
                }
                if (tooLong) {
                    lines++;
                    refused++;
                    report(err, "line " + lines + ": " + reader.tooLongMessage() + " (not sent)", 1);
                    answeredThrough = lines;   // refused here: sending again starts after it
                }
                if (line == null) {
                    break;
                }
            }
        } catch (IOException failed) {
            err.println("vigil send: cannot read " + (input.equals("-") ? "standard input" : input) + ": "
                    + failed.getMessage() + "; " + answered());
            return Vigil.EXIT_USAGE;
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        if (unprinted > 0) {
            err.println("vigil send: " + unprinted + " more refused line(s) not printed; the summary counts them");
        }
        out.println((skipped > 0 ? "skipped lines 1-" + skipped + " (batches " + named + ":0-" + resumeAfter
                + ", taken before); " : "") + "sent " + (lines - skipped) + " lines in " + messages + " messages"
                + ": " + accepted + " accepted (" + late
                + " late" + unroutedSummary() + ")" + (duplicates == 0 ? "" : ", of them " + duplicates + " batch(es) of "
                + named + " taken before and not again") + ", " + refused + " refused");
        return refused == 0 ? 0 : Vigil.EXIT_RULE_ERRORS;
    }

    /** {@code , 3 of streams no rule reads: payment, click} when some were; nothing otherwise. */
    private String unroutedSummary() {
        if (unrouted == 0) {
            return "";
        }
        return ", " + unrouted + " of streams no rule reads: " + String.join(", ", unroutedStreams)
                + (unroutedStreams.size() >= MAX_UNROUTED_STREAMS ? " (the first " + MAX_UNROUTED_STREAMS + " names)"
                        : "");
    }

    /**
     * The default producer of a file's batches: {@code file-} and 16 hex digits of SHA-256 over its absolute path,
     * size, modification time and the batch size, so it stays the same as long as the file and the cuts do, and a
     * changed file (or other cuts) is another producer whose batches are all new.
     */
    static String producerOf(Path file, int batchLines) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        String identity = absolute + "\u0000" + Files.size(absolute) + "\u0000"
                + Files.getLastModifiedTime(absolute).toMillis() + "\u0000" + batchLines;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8));
            return "file-" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime provides SHA-256", impossible);
        }
    }

    /** The producer's highest batch the server took (-1: none), or null when it cannot be asked (said on err). */
    private static Long highestTaken(HttpClient http, ServerAddress server, String producer, PrintWriter err)
            throws InterruptedException {
        java.net.URI uri = server.http("/v1/producers/" + producer);
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(java.time.Duration.ofSeconds(ACK_TIMEOUT_SECONDS));
        if (server.authorization() != null) {
            request.header("Authorization", server.authorization());
        }
        java.net.http.HttpResponse<String> answer;
        try {
            answer = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (IOException failed) {
            err.println("vigil send: " + ConnectFailure.describe(uri, failed));
            return null;
        }
        if (answer.statusCode() == 404) {
            return -1L;
        }
        if (answer.statusCode() != 200) {
            err.println("vigil send: --resume: the server answered GET " + uri.getPath() + " with HTTP "
                    + answer.statusCode() + ": " + answer.body());
            return null;
        }
        return new JsonObject(answer.body()).getLong("sequence");
    }

    /**
     * Sends one message (named {@code batchId}, or unnamed: null) and reads its acknowledgement; returns why sending
     * cannot go on, or null.
     */
    private String sendAndAwait(WebSocket socket, TextMessages acks, String batchId, List<String> frame,
            long firstLine, PrintWriter err) throws InterruptedException {
        long lastLine = firstLine + frame.size() - 1;
        String text = String.join("\n", frame);
        if (batchId != null) {
            text = "{\"batch\":\"" + batchId + "\"}\n" + text;
        }
        try {
            socket.sendText(text, true).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException failed) {
            return lost(acks, failed) + " while sending lines " + firstLine + "-" + lastLine + "; " + answered();
        }
        String answer = awaitAcknowledgement(acks);
        if (answer == null) {
            return (acks.ended().isDone() ? lost(acks, null) : "no acknowledgement within " + ACK_TIMEOUT_SECONDS
                    + " s") + " for lines " + firstLine + "-" + lastLine + "; " + answered();
        }
        answeredThrough = lastLine;
        JsonObject ack = new JsonObject(answer);
        duplicates += ack.getBoolean("duplicate", false) ? 1 : 0;
        accepted += ack.getInteger("accepted", 0);
        late += ack.getInteger("late", 0);
        unrouted += ack.getInteger("unrouted", 0);
        for (Object stream : ack.getJsonArray("unroutedStreams", new JsonArray())) {
            if (unroutedStreams.size() < MAX_UNROUTED_STREAMS) {
                unroutedStreams.add(String.valueOf(stream));
            }
        }
        JsonArray errors = ack.getJsonArray("errors", new JsonArray());
        String lines = "lines " + firstLine + "-" + (firstLine + frame.size() - 1) + ": ";
        boolean wholeMessage = false;
        int listed = 0;
        for (int i = 0; i < errors.size(); i++) {
            JsonObject error = errors.getJsonObject(i);
            Integer index = error.getInteger("index");
            if (index == null) {
                wholeMessage = true;
                report(err, lines + error.getString("error"), frame.size());
            } else {
                listed++;
                report(err, "line " + (firstLine + index) + ": " + error.getString("error"), 1);
            }
        }
        int refusedLines = ack.getInteger("refused", listed);   // servers before the count listed every line
        unprinted += Math.max(0, refusedLines - listed);   // the server listed only the first ones
        refused += wholeMessage ? frame.size() : refusedLines;
        return null;
    }

    /**
     * Prints one refusal (of {@code lines} lines), cut to a line's worth; beyond {@link #MAX_REPORTED} only counts
     * its lines.
     */
    private void report(PrintWriter err, String refusal, int lines) {
        if (reported++ < MAX_REPORTED) {
            err.println(refusal.length() <= MAX_REPORT_CHARS ? refusal
                    : refusal.substring(0, MAX_REPORT_CHARS - 3) + "...");
        } else {
            unprinted += lines;
        }
    }

    /**
     * The next acknowledgement; null as soon as the connection ends without one (a server that died does not make
     * the sender wait), or after {@link #ACK_TIMEOUT_SECONDS} (a server that is alive may hold a connection back
     * under load).
     */
    private static String awaitAcknowledgement(TextMessages acks) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ACK_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            String text = acks.messages().poll(100, TimeUnit.MILLISECONDS);
            if (text != null) {
                return text;
            }
            if (acks.ended().isDone()) {
                return acks.messages().poll();   // one that came with the close, else none
            }
        }
        return null;
    }

    /** Which lines the server answered: where to send again from. */
    private String answered() {
        String where = answeredThrough == 0 ? "the server answered no line"
                : "the server answered lines 1-" + answeredThrough + " (the last is line " + answeredThrough + ")";
        if (producer == null && input.equals("-")) {
            return where + (answeredThrough == 0 ? ": send the whole input again"
                    : ": send again from line " + (answeredThrough + 1));
        }
        return where + ": send the same input again, with --resume to skip what the server took (it takes no batch "
                + "twice)";
    }

    private static String lost(TextMessages acks, Exception failure) {
        if (acks.ended().isDone()) {
            TextMessages.Ending ending = acks.ended().join();
            return ending.code() == -1 ? "the connection failed (" + ending.reason() + ")"
                    : "the server closed the connection (" + ending.code() + " " + ending.reason() + ")";
        }
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return cause instanceof java.util.concurrent.TimeoutException ? "the server took no message for "
                + ACK_TIMEOUT_SECONDS + " s" : "the connection failed (" + cause.getMessage() + ")";
    }
}
