package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server per data folder: a second {@code vigil serve} on the folder of a running one, and
 * {@code vigil repair-log} on it, are refused with the holder's process id (exit status 2), and the folder is free
 * again as soon as its server is gone, also after {@code kill -9}.
 */
class DataFolderInUseTest {
    @TempDir
    Path folder;

    @Test
    void aSecondServerAndARepairAreRefusedWhileTheFolderIsInUseAndNotAfterItsServerIsKilled() throws Exception {
        Path rules = Files.createDirectories(folder.resolve("rules"));
        Path data = folder.resolve("data");
        try (ServerProcess first = ServerProcess.start("first", folder, rules, data)) {
            String inUse = "the data folder " + data + " is in use by another Vigil server (process " + first.pid()
                    + "); stop it, or give this one a data folder of its own";
            try (ServerProcess second = ServerProcess.launch("second", folder, rules, data, List.of(), List.of())) {
                assertEquals(2, second.awaitExit(), second.logs());
                assertTrue(second.stderr().contains("vigil serve: cannot start: " + inUse), second.logs());
            }
            CliRun repair = CliRun.of("repair-log", "--data", data.toString());
            assertEquals(2, repair.exit(), repair.err());
            assertEquals("vigil repair-log: " + inUse, repair.err().strip());

            first.kill();
            CliRun afterKill = CliRun.of("repair-log", "--data", data.toString());
            assertEquals(0, afterKill.exit(), afterKill.err());
            assertTrue(afterKill.out().contains("is not damaged"), afterKill.out());
        }
        try (ServerProcess next = ServerProcess.start("next", folder, rules, data)) {
            assertEquals(200, next.get("/ready").statusCode(), next.logs());
        }
    }
}
