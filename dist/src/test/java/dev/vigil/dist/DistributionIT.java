package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download as a user gets it: {@code vigil-VERSION.tar.gz} unpacked with tar in an empty folder, its
 * {@code bin/vigil} started from another folder with only a Java runtime ({@code JAVA_HOME}, no Maven, no sources),
 * until {@code /ready} answers; then stopped with SIGTERM.
 */
class DistributionIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+) with (\\d+) rule");

    @TempDir
    Path dir;

    @Test
    void theUnpackedArchiveServesTheExampleRulesAndStopsOnSigterm() throws Exception {
        Path home = unpack();
        for (String entry : List.of("bin/vigil", "lib/vigil.jar", "conf/vigil.yaml", "rules/card-testing/rule.cep",
                "systemd/vigil.service", "licenses/THIRD-PARTY.txt", "README.md")) {
            assertTrue(Files.isRegularFile(home.resolve(entry)), entry + " is missing");
        }
        assertTrue(Files.isExecutable(home.resolve("bin/vigil")));
        assertTrue(Files.readString(home.resolve("conf/vigil.yaml")).contains("#checkpointInterval: 10s"));
        try (Stream<Path> libraries = Files.list(home.resolve("licenses"))) {
            List<Path> folders = libraries.filter(Files::isDirectory).toList();
            assertTrue(folders.size() >= 5, "the licence files of the libraries that ship any: " + folders);
            for (Path folder : folders) {
                try (Stream<Path> files = Files.walk(folder)) {
                    assertTrue(files.anyMatch(Files::isRegularFile), folder + " is empty");
                }
            }
        }
        assertTrue(Files.readString(home.resolve("licenses/THIRD-PARTY.txt")).contains("(info.picocli:picocli:"));
        long examples;
        try (Stream<Path> rules = Files.walk(home.resolve("rules"))) {
            examples = rules.filter(file -> file.toString().endsWith(".cep")).count();
        }

        Process version = vigil(home, "--version").start();
        String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(version.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, version.exitValue(), printed);
        assertTrue(printed.matches("vigil " + Pattern.quote(System.getProperty("vigil.version"))
                + " \\(commit [0-9a-f]{12}(-dirty)?\\)\\s*|.*\\(commit unknown\\)\\s*"), printed);

        Path data = dir.resolve("data");
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process server = vigil(home, "serve", "--port", "0", "--data", data.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            // the log, on stderr, says where the server listens once it does
            Matcher listening = LISTENING.matcher("");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!listening.find() && server.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                listening = LISTENING.matcher(Files.readString(stderr));
            }
            assertTrue(listening.find(0), "no listening line; stderr: " + Files.readString(stderr) + "stdout: "
                    + Files.readString(stdout));
            assertEquals(examples, Long.parseLong(listening.group(2)), Files.readString(stderr));
            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(listening.group(1) + "/ready"))
                            .timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(Files.isDirectory(data.resolve("ingest")), "the data folder is the one given");
        } finally {
            server.destroy();   // SIGTERM
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
        }
        assertTrue(Files.readString(stderr).contains("ServeCommand - stopped"), Files.readString(stderr));
    }

    /** Unpacks the archive with tar, as a user would; returns the distribution's folder. */
    private Path unpack() throws Exception {
        Path archive = Path.of(System.getProperty("vigil.archive"));
        assertTrue(Files.isRegularFile(archive), archive + " was not built");
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue(), said);
        return unpacked.resolve("vigil-" + System.getProperty("vigil.version"));
    }

    /** {@code bin/vigil args} run from another folder, with this JVM's runtime as JAVA_HOME and nothing else set. */
    private ProcessBuilder vigil(Path home, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(home.resolve("bin/vigil").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Files.createDirectories(dir.resolve("cwd")).toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("VIGIL_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder;
    }
}
