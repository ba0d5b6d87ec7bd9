package dev.vigil.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.wire.InputLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledgements after a flush: released by one flush per group, in order; a failed flush fails them all. */
class GroupCommitTest {
    @TempDir
    Path folder;

    @Test
    void batchesAppendedBeforeAFlushAreReleasedInOrderOnceItIsDone() throws Exception {
        try (ChronicleIngestLog log = ChronicleIngestLog.open(folder.resolve("ingest"), AckAfter.FLUSH, null)) {
            List<Long> released = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<String> last = new CompletableFuture<>();
            for (int i = 0; i < 50; i++) {
                long position = log.append("test", List.of(new InputLine.WatermarkLine(null, i)));
                log.whenDurable(position, failure -> {
                    released.add(position);
                    if (released.size() == 50) {
                        last.complete(failure);
                    }
                });
            }
            assertNull(last.get(10, TimeUnit.SECONDS));
            List<Long> sorted = new ArrayList<>(released);
            Collections.sort(sorted);
            assertEquals(sorted, released, "released in the order they were appended");
            assertNull(log.refusal());
        }
    }

    @Test
    void aFailedFlushFailsItsWaitersAndEveryLaterOneAndStopsIngestion() throws Exception {
        GroupCommit flusher = new GroupCommit("test-flush");
        try {
            flusher.writingTo(folder.resolve("gone").resolve("20261121.cq4").toFile());   // cannot be opened
            CompletableFuture<String> first = new CompletableFuture<>();
            flusher.whenFlushed(first::complete);
            String failure = first.get(10, TimeUnit.SECONDS);

            assertTrue(failure.startsWith("ingest log flush failed: "), failure);
            assertTrue(failure.endsWith("; ingestion stopped, restart the server once the disk is fixed"), failure);
            assertEquals(failure, flusher.failure());
            CompletableFuture<String> later = new CompletableFuture<>();
            flusher.whenFlushed(later::complete);
            assertEquals(failure, later.getNow("not called at once"));
        } finally {
            flusher.close();
        }
    }
}
