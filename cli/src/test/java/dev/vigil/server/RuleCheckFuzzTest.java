package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded, seeded fuzz of {@code vigil check}, in the default build: one in {@value #CHECK_EVERY} of the
 * {@value #TEXTS} texts that {@link RuleFuzzTest} sends to a server (the same seeds) goes through the command line.
 * It exits 0 or 1, says what is wrong as {@code file:line:column:} messages, and never shows an internal error or a
 * Java exception. A failure names the seed: {@code RuleMutator.text(seed)} gives the text again.
 */
class RuleCheckFuzzTest {
    private static final long BASE_SEED = 16_000_000L;
    private static final int TEXTS = 3_000;
    private static final int CHECK_EVERY = 10;
    private static final Pattern POSITIONED = Pattern.compile("^fuzz\\.cep:\\d+:\\d+: ", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void noRuleTextCrashesTheCommandLine() throws Exception {
        RuleMutator mutator = RuleMutator.ofExamples();
        Path file = dir.resolve("fuzz.cep");
        for (int i = 0; i < TEXTS; i += CHECK_EVERY) {
            long seed = BASE_SEED + i;
            String text = mutator.text(seed);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            check(seed, text, file);
        }
    }

    private static void check(long seed, String text, Path file) {
        CliRun run;
        try {
            run = CliRun.of("check", file.toString());
        } catch (Throwable thrown) {
            throw new AssertionError("seed " + seed + ": vigil check threw for:\n" + shown(text), thrown);
        }
        assertTrue(run.exit() == 0 || run.exit() == 1,
                () -> "seed " + seed + ": exit " + run.exit() + "\n" + run.err());
        if (run.exit() == 1) {
            assertTrue(POSITIONED.matcher(run.err().replace(file.toString(), "fuzz.cep")).find(),
                    () -> "seed " + seed + ": " + run.err());
        }
        assertFalse(run.err().contains("internal error") || run.err().contains("Exception"),
                () -> "seed " + seed + ": " + run.err());
    }

    private static String shown(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "... (" + text.length() + " chars)";
    }
}
