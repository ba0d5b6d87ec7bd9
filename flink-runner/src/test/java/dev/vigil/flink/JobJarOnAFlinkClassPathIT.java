package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.cli.Vigil;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar {@code mvn package} builds (target/vigil-flink.jar), run as a cluster runs it: submitted with
 * {@code vigil flink} to a Flink cluster in a JVM of its own ({@link FlinkOnlyCluster}) whose class path holds Flink
 * and its dependencies only (no Vigil module, no Jackson but Flink's shaded one, no ANTLR, no Kafka client or
 * connector), so every class the job needs beyond Flink's must come from the jar, through Flink's user-code class
 * loader. A class missing from the shade plugin's includes fails the job here, as it would on a real cluster (the
 * tests on the MiniCluster of the test JVM, whose class path holds everything, cannot see it). The file job writes
 * the card-testing example's expected alerts; the Kafka job, over a topic of the same events, writes to an alerts
 * topic exactly the alerts {@code vigil run --kafka-topics} gives over it. Runs after {@code package} (failsafe).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JobJarOnAFlinkClassPathIT {
    private static final Path EXAMPLE = Path.of("..", "rules-examples", "card-testing");
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Flink dependencies that Vigil's own dependencies put in another scope than Flink's (flink-dist has them). */
    private static final List<String> FLINK_ALSO = List.of("flink-runtime-web-", "slf4j-api-", "lz4-java-",
            "snappy-java-");
    /** The JVM options Flink's scripts start its JVMs with (Flink 1.20's default {@code env.java.opts.all}). */
    private static final List<String> FLINK_JVM_OPTIONS = List.of("--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");
    /** What the job jar must bring: none of it may be on the cluster's class path. */
    private static final List<String> NOT_ON_THE_CLUSTER = List.of("/dev/vigil/", "antlr4", "jackson-databind",
            "jackson-core", "kafka-clients", "flink-connector-kafka", "zstd-jni", "/classes", "/test-classes");

    @RegisterExtension
    static final KafkaBrokerProcess KAFKA = new KafkaBrokerProcess();

    private static Path folder;
    private static Process cluster;
    private static Path clusterLog;
    private static String jobManager;

    @BeforeAll
    static void startAFlinkOnlyCluster() throws Exception {
        folder = Files.createTempDirectory("vigil-flink-only-");
        Path launcher = folder.resolve("launcher").resolve(FlinkOnlyCluster.class.getName().replace('.', '/')
                + ".class");
        Files.createDirectories(launcher.getParent());
        Files.copy(Path.of("target", "test-classes", "dev", "vigil", "flink", "FlinkOnlyCluster.class"), launcher);
        List<String> classPath = flinkClassPath();
        classPath.add(folder.resolve("launcher").toString());
        Path address = folder.resolve("rest-address");
        clusterLog = folder.resolve("cluster.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx768m"));
        command.addAll(FLINK_JVM_OPTIONS);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), FlinkOnlyCluster.class.getName(),
                address.toString()));
        cluster = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(clusterLog.toFile()).start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(address)) {
            if (!cluster.isAlive() || System.nanoTime() > deadline) {
                cluster.destroyForcibly();
                throw new IllegalStateException("the Flink cluster did not start:\n" + tail(clusterLog));
            }
            TimeUnit.MILLISECONDS.sleep(50);   // polls a file another process writes
        }
        jobManager = Files.readString(address, StandardCharsets.UTF_8).strip();
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        if (cluster != null) {
            cluster.getOutputStream().close();   // the child's cue to stop
            if (!cluster.waitFor(60, TimeUnit.SECONDS)) {
                cluster.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * Flink's class path: the module's {@code provided} dependencies (Flink and what it depends on, as Maven resolved
     * them: target/flink-classpath.txt), and the few Flink dependencies Vigil's own put in another scope.
     */
    private static List<String> flinkClassPath() throws IOException {
        String file = System.getProperty("vigil.flink.classpath");
        assertTrue(file != null && System.getProperty("vigil.job.jar") != null, "no Flink class path or job jar:"
                + " this test runs in the integration-test phase, after package (mvn verify, failsafe)");
        String listed = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        List<String> entries = new ArrayList<>(List.of(listed.split(File.pathSeparator)));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.endsWith(".jar") && FLINK_ALSO.stream().anyMatch(name::startsWith) && !entries.contains(entry)) {
                entries.add(entry);
            }
        }
        for (String entry : entries) {
            String path = entry.replace('\\', '/');
            for (String forbidden : NOT_ON_THE_CLUSTER) {
                assertTrue(!path.contains(forbidden), "the cluster's class path holds " + entry);
            }
        }
        assertTrue(entries.stream().anyMatch(entry -> entry.contains("flink-runtime-1")), entries.toString());
        return entries;
    }

    @Test
    void theFileJobRunsFromTheJobJar(@TempDir Path out) throws Exception {
        Path alerts = out.resolve("alerts");
        String job = submit("-p", "2", "--", "--rules", EXAMPLE.resolve("rule.cep").toAbsolutePath().toString(),
                "--events", EXAMPLE.resolve("events.ndjson").toAbsolutePath().toString(),
                "--alerts", alerts.toAbsolutePath().toString(), "--checkpoint-interval", "200");
        awaitFinished(job);
        assertEquals(FlinkCommandTest.sorted(Files.readAllLines(EXAMPLE.resolve("expected-alerts.ndjson"))),
                FlinkCommandTest.committed(alerts));
    }

    @Test
    void theKafkaJobRunsFromTheJobJar() throws Exception {
        KAFKA.createTopic("payments", 2);
        KAFKA.createTopic("alerts", 1);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        List<String> lines = Files.readAllLines(EXAMPLE.resolve("events.ndjson"), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            records.add(new ProducerRecord<>("payments", i % 2, null, lines.get(i)));
        }
        KAFKA.send(records);
        StringWriter expected = new StringWriter();
        StringWriter errors = new StringWriter();
        int status = Vigil.commandLine().setOut(new PrintWriter(expected)).setErr(new PrintWriter(errors))
                .execute("run", "--kafka-bootstrap", KAFKA.bootstrapServers(), "--kafka-topics", "payments",
                        "--rules", EXAMPLE.resolve("rule.cep").toString());
        assertEquals(0, status, errors.toString());
        List<String> expectedAlerts = FlinkCommandTest.sorted(List.of(expected.toString().split("\n")));
        assertTrue(expectedAlerts.size() >= 2, expected.toString());

        String job = submit("-p", "2", "--kafka-bootstrap", KAFKA.bootstrapServers(), "--kafka-topics", "payments",
                "--", "--rules", EXAMPLE.resolve("rule.cep").toAbsolutePath().toString(), "--kafka-bounded",
                "--alerts-topic", "alerts", "--checkpoint-interval", "200");
        awaitFinished(job);
        List<String> alerts = new ArrayList<>();
        for (ConsumerRecord<String, String> record : KAFKA.committed("alerts")) {
            alerts.add(record.value());
        }
        assertEquals(expectedAlerts, FlinkCommandTest.sorted(alerts));
    }

    /** Submits the job jar with {@code vigil flink}; the job's id. */
    private static String submit(String... args) {
        List<String> command = new ArrayList<>(List.of("flink", "--jobmanager", jobManager, "--jar",
                System.getProperty("vigil.job.jar")));
        command.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Vigil.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(command.toArray(new String[0]));
        assertEquals(0, status, err + "\ncluster log:\n" + tail(clusterLog));
        String submitted = out.toString().strip();
        assertTrue(submitted.matches("submitted job [0-9a-f]{32} to http://.*"), submitted);
        return submitted.split(" ")[2];
    }

    /** Waits for the job to finish (polling the cluster's REST API); a failure fails the test with its cause. */
    private static void awaitFinished(String job) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + WAIT.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = get(http, "/jobs/" + job).get("state").asText();
            if (state.equals("FINISHED")) {
                return;
            }
            if (state.equals("FAILED") || state.equals("FAILING") || state.equals("RESTARTING")
                    || state.equals("CANCELED")) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);   // polls another process
        }
        JsonNode exceptions = get(http, "/jobs/" + job + "/exceptions");
        throw new AssertionError("job " + job + " " + state + ": " + exceptions.path("root-exception").asText(
                exceptions.toString()));
    }

    private static JsonNode get(HttpClient http, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(jobManager + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
