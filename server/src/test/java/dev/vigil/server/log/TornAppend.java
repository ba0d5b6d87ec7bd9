package dev.vigil.server.log;

import dev.vigil.nfa.Event;
import dev.vigil.wire.InputLine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The child JVM of {@link TruncatedLogTailTest}: appends {@code complete} batches of one event each to the ingest
 * log in {@code folder}, then starts one more record, writes part of it and dies on the spot (as under
 * {@code kill -9} in the middle of a write): the log's tail is a record begun and never finished.
 */
public final class TornAppend {
    private TornAppend() {}

    public static void main(String[] args) {
        Path folder = Path.of(args[0]);
        int complete = Integer.parseInt(args[1]);
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder)) {
            for (int i = 0; i < complete; i++) {
                log.append("torn", List.of(event(i)));
            }
        }
        ChronicleQueue queue = ChronicleQueue.singleBuilder(folder.toFile())
                .rollCycle(ChronicleIngestLog.ROLL_CYCLE).build();
        ExcerptAppender appender = queue.createAppender();
        DocumentContext document = appender.writingDocument();
        document.wire().bytes().writeByte((byte) 1).writeInt(12345).writeLong(67890L);
        System.out.println("torn");
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }

    public static InputLine event(long n) {
        return new InputLine.EventLine(new Event("s", 1_000 + n, n, Map.of("n", n, "ts", 1_000 + n)));
    }
}
