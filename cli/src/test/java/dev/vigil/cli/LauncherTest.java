package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./vigil} launcher, run by bash on a copy of the project's script with stand-ins for {@code mvn} and
 * {@code java} on the PATH (a real build takes minutes): two launchers started during the first build build once,
 * the second says it waits; the build says which module it is on; a failed build shows Maven's errors, and nothing
 * runs.
 */
class LauncherTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path root;

    /** The stand-in for Maven: counts its runs, waits for {@code go}, then writes the jar (or fails). */
    private static final String MVN = """
            #!/usr/bin/env bash
            echo run >> "$LAUNCHER_TEST/mvn-runs"
            echo "[INFO] Scanning for projects..."
            echo "[INFO] Building Vigil rule language 0.1.0-SNAPSHOT                            [1/2]"
            for i in $(seq 1 300); do [ -f "$LAUNCHER_TEST/go" ] && break; sleep 0.1; done
            if [ -f "$LAUNCHER_TEST/fail" ]; then
              echo "[ERROR] COMPILATION ERROR :"
              echo "[ERROR] /x/Vigil.java:[3,1] class, interface, enum, or record expected"
              echo "[ERROR] -> [Help 1]"
              exit 1
            fi
            echo "[INFO] Building Vigil command line 0.1.0-SNAPSHOT                            [2/2]"
            mkdir -p cli/target && echo jar > cli/target/vigil.jar
            """;

    /** The stand-in for the JVM: says what it would run. */
    private static final String JAVA = """
            #!/usr/bin/env bash
            echo "java ran with: $*"
            """;

    @Test
    void twoLaunchersDuringTheFirstBuildBuildOnceAndBothRunTheJar() throws Exception {
        Path bin = setUp();
        Process first = launch(bin, "first");
        awaitFile(root.resolve("first.err"), text -> text.contains("building Vigil rule language (1/2)..."));
        Process second = launch(bin, "second");
        awaitFile(root.resolve("second.err"), text -> text.contains("another ./vigil is building Vigil; waiting"));
        Files.writeString(root.resolve("go"), "");

        assertTrue(first.waitFor(60, TimeUnit.SECONDS) && second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), read("first.err"));
        assertEquals(0, second.exitValue(), read("second.err"));
        assertEquals(List.of("run"), Files.readAllLines(root.resolve("mvn-runs")), "one build, not two at once");
        assertTrue(read("first.out").startsWith("java ran with: -XX:+ExitOnOutOfMemoryError -jar "), read("first.out"));
        assertTrue(read("second.out").contains("--version"), read("second.out"));
        assertTrue(read("first.err").contains("vigil: building Vigil command line (2/2)..."), read("first.err"));
        assertFalse(read("first.err").contains("Scanning"), "progress, not Maven's whole output: " + read("first.err"));

        Process third = launch(bin, "third");
        assertTrue(third.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, third.exitValue());
        assertEquals(1, Files.readAllLines(root.resolve("mvn-runs")).size(), "a built jar is not built again");
        assertEquals("", read("third.err"));
    }

    @Test
    void aFailedBuildShowsMavensErrorsAndRunsNothing() throws Exception {
        Path bin = setUp();
        Files.writeString(root.resolve("fail"), "");
        Files.writeString(root.resolve("go"), "");
        Process failed = launch(bin, "failed");
        assertTrue(failed.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, failed.exitValue());
        String err = read("failed.err");
        assertTrue(err.contains("vigil: the build failed (Maven exit status 1):\n[ERROR] COMPILATION ERROR :\n"
                + "[ERROR] /x/Vigil.java:[3,1] class, interface, enum, or record expected\n"), err);
        assertTrue(err.contains("vigil: the whole build output is in " + root.resolve(".vigil-build.log")), err);
        assertFalse(err.contains("[Help 1]"), err);
        assertEquals("", read("failed.out"), "nothing ran");
    }

    @Test
    void aClassArchiveNewerThanTheJarIsUsedAndOneThatCannotBeMadeStopsNothing() throws Exception {
        Path bin = setUp();
        Files.writeString(root.resolve("go"), "");
        Process built = launch(bin, "built");
        assertTrue(built.waitFor(60, TimeUnit.SECONDS));
        assertFalse(read("built.out").contains("SharedArchiveFile"), "no archive yet: " + read("built.out"));

        // the stand-in JVM never says it listens, so the archive cannot be made: serve runs all the same
        Process serve = launch(bin, "serve", "serve", "--port", "0");
        assertTrue(serve.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, serve.exitValue(), read("serve.err"));
        assertTrue(read("serve.err").contains("no class data sharing archive this time"), read("serve.err"));
        assertTrue(read("serve.out").endsWith("-jar " + root.resolve("cli/target/vigil.jar") + " serve --port 0\n"),
                read("serve.out"));

        Path archive = root.resolve("cli/target/vigil.jsa");
        Files.writeString(archive, "archive");
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(root.resolve("cli/target/vigil.jar")).toMillis() + 2_000));
        Process shared = launch(bin, "shared");
        assertTrue(shared.waitFor(60, TimeUnit.SECONDS));
        assertTrue(read("shared.out").contains("-XX:SharedArchiveFile=" + archive), read("shared.out"));

        Process off = launch(bin, "off", "VIGIL_CDS=off");
        assertTrue(off.waitFor(60, TimeUnit.SECONDS));
        assertFalse(read("off.out").contains("SharedArchiveFile"), read("off.out"));
    }

    /** The launcher copied into {@code root}, and a folder with the stand-ins for Maven and Java. */
    private Path setUp() throws IOException {
        Path script = root.resolve("vigil");
        Files.copy(launcher(), script);
        Path bin = Files.createDirectories(root.resolve("bin"));
        for (Map.Entry<String, String> tool : Map.of("mvn", MVN, "java", JAVA).entrySet()) {
            Path file = bin.resolve(tool.getKey());
            Files.writeString(file, tool.getValue());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        return bin;
    }

    private Process launch(Path bin, String name) throws IOException {
        return launch(bin, name, "--version");
    }

    /** Runs the launcher with {@code args}; an argument {@code NAME=value} is set in its environment instead. */
    private Process launch(Path bin, String name, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("vigil").toString()));
        Map<String, String> environment = new java.util.HashMap<>();
        for (String arg : args) {
            if (arg.matches("[A-Z_]+=.*")) {
                environment.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                command.add(arg);
            }
        }
        if (command.size() == 2) {
            command.add("--version");
        }
        ProcessBuilder launcher = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectOutput(root.resolve(name + ".out").toFile())
                .redirectError(root.resolve(name + ".err").toFile());
        launcher.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        launcher.environment().put("LAUNCHER_TEST", root.toString());
        launcher.environment().putAll(environment);
        return launcher.start();
    }

    private String read(String name) throws IOException {
        Path file = root.resolve(name);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static void awaitFile(Path file, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        String text = "";
        while (System.nanoTime() < deadline) {
            text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            if (done.test(text)) {
                return;
            }
            Thread.sleep(20);   // polling a file another process writes: no event to wait on
        }
        throw new AssertionError(file + " never said what was expected; it holds:\n" + text);
    }

    private static Path launcher() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("vigil")) && Files.isDirectory(dir.resolve("cli"))) {
                return dir.resolve("vigil");
            }
        }
        throw new IllegalStateException("no ./vigil above " + Path.of("").toAbsolutePath());
    }
}
