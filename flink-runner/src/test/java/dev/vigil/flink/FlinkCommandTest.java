package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.Vigil;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil flink} submits the job jar through a real JobManager's REST API (a MiniCluster's, with Flink's jar
 * endpoints): the job runs on the cluster and writes vigil run's alerts; a rule with a mistake comes back as the
 * cluster's refusal with the rule's diagnostic, exit 1; a cluster that is not there is said plainly, exit 2.
 */
class FlinkCommandTest {
    private static final Path EXAMPLE = Path.of("..", "rules-examples", "card-testing");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .setConfiguration(webSubmission()).build());

    @TempDir
    static Path folder;
    private static Path jar;

    @BeforeAll
    static void jobJar() throws IOException {
        jar = writeJobJar(folder);
    }

    /** A job jar as mvn package builds it, of this module's classes (the rest is on the cluster's class path here). */
    static Path writeJobJar(Path folder) throws IOException {
        Path jar = folder.resolve("vigil-flink.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, VigilFileJob.class.getName());
        Path classes = Path.of("target", "classes");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path path : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void theJobRunsOnTheClusterAndWritesTheAlertsOfVigilRun(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        Path alerts = folder.resolve("alerts");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = vigil(out, err, "flink", "--jobmanager", jobManager(), "--jar", jar.toString(), "-p", "2", "--",
                "--rules", EXAMPLE.resolve("rule.cep").toAbsolutePath().toString(),
                "--events", EXAMPLE.resolve("events.ndjson").toAbsolutePath().toString(),
                "--alerts", alerts.toAbsolutePath().toString(), "--checkpoint-interval", "200");
        assertEquals(0, status, err.toString());
        String submitted = out.toString().strip();
        assertTrue(submitted.matches("submitted job [0-9a-f]{32} to http://.*"), submitted);
        JobID job = JobID.fromHexString(submitted.split(" ")[2]);
        JobResult result = client.requestJobResult(job).get(2, TimeUnit.MINUTES);
        assertTrue(result.isSuccess(), "the job failed: " + result.getSerializedThrowable());
        assertEquals(sorted(Files.readAllLines(EXAMPLE.resolve("expected-alerts.ndjson"))), committed(alerts));
    }

    @Test
    void aRuleWithAMistakeIsTheClustersRefusalWithTheDiagnostic() throws Exception {
        Path bad = folder.resolve("bad.cep");
        Files.writeString(bad, "RULE a FROM s PATTERN x y WITHIN DEFINE x AS TRUE;");
        StringWriter err = new StringWriter();
        int status = vigil(new StringWriter(), err, "flink", "--jobmanager", jobManager(), "--jar", jar.toString(),
                "--", "--rules", bad.toString(), "--events", EXAMPLE.resolve("events.ndjson").toString());
        assertEquals(1, status, err.toString());
        assertTrue(err.toString().startsWith("vigil flink: the cluster did not start the job: HTTP"), err.toString());
        assertTrue(err.toString().contains("bad.cep:1:"), err.toString());
        assertTrue(!err.toString().contains("\tat ") && !err.toString().contains("\n at "), err.toString());
    }

    @Test
    void aJobManagerThatIsNotThereIsSaidPlainly() throws Exception {
        StringWriter err = new StringWriter();
        int status = vigil(new StringWriter(), err, "flink", "--jobmanager", "http://127.0.0.1:1", "--jar",
                jar.toString(), "--", "--rules", "r.cep", "--events", "e.ndjson");
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().startsWith("vigil flink: cannot reach the JobManager at http://127.0.0.1:1"),
                err.toString());
        status = vigil(new StringWriter(), err, "flink", "--jar", folder.resolve("none.jar").toString(), "--",
                "--rules", "r.cep");
        assertEquals(2, status);
        assertTrue(err.toString().contains("no job jar at "), err.toString());
    }

    /** Jar uploads on (Flink's default; the test utilities' MiniCluster turns them off). */
    static Configuration webSubmission() {
        Configuration settings = new Configuration();
        settings.set(WebOptions.SUBMIT_ENABLE, true);
        return settings;
    }

    private static String jobManager() {
        return jobManager(CLUSTER);
    }

    /** The REST address of {@code cluster}'s JobManager. */
    static String jobManager(MiniClusterExtension cluster) {
        return "http://" + cluster.getClientConfiguration().get(RestOptions.ADDRESS) + ":"
                + cluster.getClientConfiguration().get(RestOptions.PORT);
    }

    static int vigil(StringWriter out, StringWriter err, String... args) {
        return Vigil.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    /** The lines of the committed files (not the in-progress ones, which start with a dot), sorted. */
    static List<String> committed(Path folder) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        }
        return sorted(lines);
    }

    static List<String> sorted(List<String> lines) {
        List<String> sorted = new ArrayList<>(lines);
        sorted.removeIf(String::isBlank);
        sorted.sort(null);
        return sorted;
    }
}
