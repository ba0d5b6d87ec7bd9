package dev.vigil.server;

import static dev.vigil.server.EventFuzzRounds.shown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line round of the event-input fuzzing, beside {@link EventFuzzRounds}' decoder and server rounds: a
 * file of mutated and hostile lines through {@code vigil run}, shared by {@link EventRunFuzzTest} and the long run
 * ({@link EventDecoderFuzzRun}).
 */
final class EventFuzzCommandRound {
    private EventFuzzCommandRound() {
    }

    /** {@code vigil run} over a file of {@code lines} lines with every example's rules: it reads it all. */
    static void run(Path dir, EventFuzz fuzz, int lines) throws Exception {
        Path events = dir.resolve("fuzz.ndjson");
        Files.write(events, fuzz.withInvalidUtf8(fuzz.lines(lines)));
        List<String> args = new ArrayList<>(List.of("run", "--watermark-delay", "5s", "--events", events.toString(),
                "--rules"));
        for (Path folder : EventFuzz.exampleFolders()) {
            args.add(folder.resolve("rule.cep").toString());
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exit(), () -> shown(run.err()));
        for (String line : run.err().lines().toList()) {
            assertTrue(line.length() < 500, () -> "a stderr line of " + line.length() + " characters: " + shown(line));
        }
        assertTrue(run.err().contains("vigil run: "), () -> shown(run.err()));
    }
}
