package dev.vigil.server;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded, bounded fuzzing of the event input of {@code vigil run} in the default build ({@link EventFuzz} makes the
 * lines; {@link EventDecoderFuzzTest} sends the same kind through the decoder and a real server): a file of 2,000
 * mutated and hostile lines, some with invalid UTF-8, is read to its end with every example's rules, exit 0, and no
 * line of what it says about the refused ones is 500 characters or longer.
 */
class EventRunFuzzTest {
    private static final long SEED = 16;

    @TempDir
    Path dir;

    @Test
    void mutatedLinesThroughVigilRun() throws Exception {
        EventFuzzCommandRound.run(dir, new EventFuzz(SEED + 1, 4_000), 2_000);
    }
}
