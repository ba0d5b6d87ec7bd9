package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NDJSON file sink: every alert one valid line, rotated by size and by age, nothing lost; confined to a folder,
 * it never follows a symbolic link out of it.
 */
class FileSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    private final List<Sink> sinks = new ArrayList<>();

    @AfterEach
    void close() {
        sinks.forEach(Sink::close);
    }

    @Test
    void rotatesBeforeALineWouldPassMaxBytesAndLosesNothing() throws IOException {
        Path file = dir.resolve("out/alerts.ndjson");
        Sink sink = open(new SinkSpec.File(file, 1_000, 0, 0, 10_000));
        Set<String> offered = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = "id-" + i;
            offered.add(id);
            assertTrue(sink.offer(id, "r", alert(id, "x".repeat(i % 50))));
        }
        Await.until(() -> sink.stats().delivered() == 200, sink::stats);
        List<Path> files = files(file.getParent());
        assertTrue(files.size() > 10, files::toString);
        Set<String> written = new HashSet<>();
        int lines = 0;
        for (Path f : files) {
            assertTrue(Files.size(f) <= 1_000, f + " has " + Files.size(f) + " bytes");
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                JsonNode alert = JSON.readTree(line);   // every line is one whole alert
                written.add(alert.get("id").asText());
                lines++;
            }
        }
        assertEquals(offered, written);
        assertEquals(200, lines);
        assertEquals(new SinkStats(200, 0, 0, 0, 0, null), sink.stats());
    }

    @Test
    void rotatedFilesAreNamedByTimeAndSequenceAndSortInWritingOrder() {
        Path file = dir.resolve("alerts.ndjson");
        Sink sink = open(new SinkSpec.File(file, 30, 0, 0, 100));
        for (int i = 0; i < 3; i++) {
            sink.offer("id-" + i, "r", alert("id-" + i, ""));
        }
        Await.until(() -> sink.stats().delivered() == 3, sink::stats);
        assertEquals(List.of("alerts-20260301T100000Z-001.ndjson", "alerts-20260301T100000Z-002.ndjson",
                "alerts.ndjson"), names(dir));
    }

    @Test
    void rotatesAFileOlderThanRotateEveryOnceItHoldsALine() throws IOException {
        Path file = dir.resolve("alerts.ndjson");
        Sink sink = open(new SinkSpec.File(file, 1 << 20, 60_000, 0, 100));
        for (int i = 0; i < 3; i++) {
            sink.offer("old-" + i, "r", alert("old-" + i, ""));
        }
        Await.until(() -> sink.stats().delivered() == 3, sink::stats);
        clock.advance(60_000);
        Await.until(() -> !Files.exists(file), () -> names(dir));   // renamed; the next alert starts a new file
        for (int i = 0; i < 2; i++) {
            sink.offer("new-" + i, "r", alert("new-" + i, ""));
        }
        Await.until(() -> sink.stats().delivered() == 5, sink::stats);
        clock.advance(120_000);
        Await.until(() -> !Files.exists(file), () -> names(dir));
        List<String> names = names(dir);
        assertEquals(List.of("alerts-20260301T100100Z-001.ndjson", "alerts-20260301T100300Z-001.ndjson"), names);
        assertEquals(3, Files.readAllLines(dir.resolve(names.get(0))).size());
        assertEquals(2, Files.readAllLines(dir.resolve(names.get(1))).size());
    }

    @Test
    void keepsOnlyTheNewestMaxFilesRotatedFiles() throws IOException {
        Path file = dir.resolve("a.ndjson");
        Sink sink = open(new SinkSpec.File(file, 30, 0, 2, 100));
        for (int i = 0; i < 6; i++) {
            sink.offer("id-" + i, "r", alert("id-" + i, ""));
        }
        Await.until(() -> sink.stats().delivered() == 6, sink::stats);
        assertEquals(List.of("a-20260301T100000Z-004.ndjson", "a-20260301T100000Z-005.ndjson", "a.ndjson"),
                names(dir));
        assertTrue(Files.readString(file).contains("id-5"));
    }

    @Test
    void appendsToAnExistingFileAfterARestart() throws IOException {
        Path file = dir.resolve("a.ndjson");
        Files.writeString(file, alert("before", "") + "\n");
        Sink sink = open(new SinkSpec.File(file, 1 << 20, 0, 0, 100));
        sink.offer("after", "r", alert("after", ""));
        Await.until(() -> sink.stats().delivered() == 1, sink::stats);
        assertEquals(2, Files.readAllLines(file).size());
    }

    @Test
    void closeWritesWhatIsStillQueued() throws IOException {
        Path file = dir.resolve("a.ndjson");
        Sink sink = Sinks.open(new SinkSpec.File(file, 1 << 20, 0, 0, 10_000), null, clock, System.out);
        for (int i = 0; i < 1_000; i++) {
            sink.offer("id-" + i, "r", alert("id-" + i, ""));
        }
        sink.close();
        assertEquals(1_000, Files.readAllLines(file).size());
        assertEquals(new SinkStats(1_000, 0, 0, 0, 0, null), sink.stats());
    }

    // a sink confined to a folder: links planted after the deployment, on a folder on the way or on the file
    // itself, cannot make it write (or create folders) elsewhere

    @Test
    void aFileInsideTheFolderIsWritten() throws Exception {
        Path folder = dir.resolve("sinks");
        Sink sink = openIn(folder, folder.resolve("a/b/alerts.ndjson"));
        assertTrue(sink.offer("1", "r", "{\"id\":\"1\"}"));
        Await.until(() -> sink.stats().delivered() == 1, sink::stats);
        assertEquals(List.of("{\"id\":\"1\"}"), Files.readAllLines(folder.resolve("a/b/alerts.ndjson")));
    }

    @Test
    void aFolderOnTheWayThatLinksOutsideIsRefusedAndNothingIsCreatedThere() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("sinks"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(folder.resolve("out"), outside);
        Sink sink = openIn(folder, folder.resolve("out/deeper/alerts.ndjson"));
        assertTrue(sink.offer("1", "r", "{\"id\":\"1\"}"));
        assertTrue(sink.offer("2", "r", "{\"id\":\"2\"}"));
        Await.until(() -> sink.stats().dropped() == 2, sink::stats);
        assertEquals(2, sink.stats().refused());
        assertTrue(sink.stats().lastError().contains("symbolic link"), sink.stats().lastError());
        assertFalse(Files.exists(outside.resolve("deeper")), "no folder was created outside");
    }

    @Test
    void aFileThatIsALinkIsNotFollowed() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("sinks"));
        Path target = dir.resolve("passwd");
        Files.writeString(target, "root\n");
        Files.createSymbolicLink(folder.resolve("alerts.ndjson"), target);
        Sink sink = openIn(folder, folder.resolve("alerts.ndjson"));
        assertTrue(sink.offer("1", "r", "{\"id\":\"1\"}"));
        Await.until(() -> sink.stats().dropped() == 1, sink::stats);
        assertEquals(1, sink.stats().refused());
        assertEquals("root\n", Files.readString(target));
    }

    /** A sink confined to {@code folder}, as a file sink named in rule text is. */
    private Sink openIn(Path folder, Path file) {
        Sink sink = Sinks.open(SinkSpec.File.at(file), null, clock, System.out,
                new Confinement(folder, WebhookHosts.ANY));
        sinks.add(sink);
        return sink;
    }

    private Sink open(SinkSpec.File spec) {
        Sink sink = Sinks.open(spec, null, clock, System.out);
        sinks.add(sink);
        return sink;
    }

    private static String alert(String id, String padding) {
        return "{\"id\":\"" + id + "\",\"rule\":\"r\",\"pad\":\"" + padding + "\"}";
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> list = Files.list(folder)) {
            return list.sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(Path folder) {
        return files(folder).stream().map(p -> p.getFileName().toString()).toList();
    }
}
