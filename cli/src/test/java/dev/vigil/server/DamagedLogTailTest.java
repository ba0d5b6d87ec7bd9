package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.Vigil;
import dev.vigil.nfa.Event;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.log.ChronicleIngestLog;
import dev.vigil.server.log.LogRecord;
import dev.vigil.wire.InputLine;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * An ingest log whose tail was damaged on disk (zeroed, garbled or cut in the middle of its last record): the
 * server refuses to start with a message naming the file, the record's index and byte, and the repair command;
 * {@code vigil repair-log} keeps every record before the damage, says what it dropped, and the server then starts.
 */
@ExtendWith(VertxExtension.class)
class DamagedLogTailTest {
    private static final int RECORDS = 20;

    enum Damage { ZERO, GARBLE, CUT }

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedTailIsNamedAndRepairKeepsEveryRecordBeforeIt(Damage damage, Vertx vertx) throws Exception {
        Path ingest = data.resolve(ChronicleIngestLog.FOLDER);
        try (ChronicleIngestLog log = ChronicleIngestLog.open(ingest)) {
            for (int i = 0; i < RECORDS; i++) {
                log.append("source", List.of(event(i)));
            }
        }
        Path file = damage(ingest, damage);

        String refused = startFailure(vertx);
        assertTrue(refused.startsWith("ingest log damaged: the record at index "), refused);
        assertTrue(refused.contains("file " + file) && refused.contains(", byte "), "names file and byte: " + refused);
        assertTrue(refused.contains("'vigil repair-log --data " + data + "'"), refused);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("repair-log", "--data", data.toString()), err.toString());
        assertTrue(out.toString().startsWith("vigil repair-log: kept " + (RECORDS - 1) + " records of " + ingest
                + "; dropped the record at index "), out.toString());
        try (Stream<Path> folders = Files.list(data)) {
            assertTrue(folders.anyMatch(f -> f.getFileName().toString().startsWith("ingest.damaged-")),
                    "the damaged log is set aside, not deleted");
        }

        try (ChronicleIngestLog log = ChronicleIngestLog.open(ingest)) {
            assertEquals(numbers(RECORDS - 1), read(log), "every record before the damage, in order");
            log.append("source", List.of(event(RECORDS)));
            List<Long> after = read(log);
            assertEquals(RECORDS, after.size(), "the repaired log takes new records: " + after);
        }
        VigilServer server = VigilServer.start(vertx, config())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(server.ingest().logPosition() > 0, "the server starts on the repaired log");
        server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Damages the last record of the log's file in the middle of its event; returns the file. */
    private static Path damage(Path ingest, Damage damage) throws IOException {
        Path file;
        try (Stream<Path> files = Files.list(ingest)) {
            file = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] marker = ("marker-" + (RECORDS - 1)).getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(1 << 20);
            channel.read(head, 0);
            long at = indexOf(head.array(), marker) - 24;   // the event's sequence, text length and text
            assertTrue(at > 0, "the last record is in the file's first MiB");
            if (damage == Damage.CUT) {
                channel.truncate(at);
            } else {
                byte[] bytes = new byte[32];
                Arrays.fill(bytes, damage == Damage.ZERO ? 0 : (byte) 'X');
                channel.write(ByteBuffer.wrap(bytes), at);
            }
        }
        return file;
    }

    private String startFailure(Vertx vertx) throws Exception {
        try {
            VigilServer server = VigilServer.start(vertx, config())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw new AssertionError("the server started on a damaged log");
        } catch (ExecutionException failed) {
            return failed.getCause().getMessage();
        }
    }

    private ServerConfig config() {
        return ServerConfig.of("127.0.0.1", 0, null).withDataDir(data);
    }

    private static InputLine event(long n) {
        return new InputLine.EventLine(new Event("s", 1_000 + n, n + 1, Map.of("n", n, "tag", "marker-" + n)));
    }

    private static List<Long> read(ChronicleIngestLog log) {
        List<Long> numbers = new ArrayList<>();
        ChronicleIngestLog.Reader reader = log.readAfter(0);
        for (LogRecord record = reader.next(); record != null; record = reader.next()) {
            if (record instanceof LogRecord.Batch batch) {
                InputLine.EventLine line = (InputLine.EventLine) batch.lines().get(0);
                numbers.add(((Number) line.event().fields().get("n")).longValue());
            } else {
                assertTrue(record instanceof LogRecord.Repaired, "only batches and the repair's record: " + record);
            }
        }
        return numbers;
    }

    private static List<Long> numbers(int count) {
        List<Long> numbers = new ArrayList<>();
        for (long n = 0; n < count; n++) {
            numbers.add(n);
        }
        return numbers;
    }

    /** Where {@code part} last occurs in {@code bytes}, or -1. */
    static int indexOf(byte[] bytes, byte[] part) {
        for (int i = bytes.length - part.length; i >= 0; i--) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }
}
