package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil flink}: submits the Vigil job jar to a Flink cluster through the JobManager's REST API (upload the
 * jar, run it with the job's arguments, remove the upload), so that no Flink client need be installed. The job's
 * {@code main} runs on the JobManager: the rule files and the changes folder must be readable there; a mistake in
 * a rule comes back as the JobManager's error, with the rule's diagnostics, and exit 1. The Kafka options, with
 * {@code vigil run}'s names, are checked here and passed on to the job before the arguments after {@code --}.
 */
@Command(name = "flink", mixinStandardHelpOptions = true,
        description = {"Submit the Vigil job jar to a Flink cluster through the JobManager's REST API; no Flink"
                + " client needed. The job's arguments follow '--' (docs/flink.md), e.g.:",
            "  vigil flink --jobmanager http://jm:8081 -p 4 -- \\",
            "      --rules /shared/fraud.cep --events /shared/in.ndjson --alerts s3://out",
            "  vigil flink --kafka-bootstrap kafka:9092 --kafka-topics payments=payments -- \\",
            "      --rules /shared/fraud.cep --alerts-topic alerts --rules-topic rule-changes",
            "The Kafka options take vigil run's names; they are checked, then passed on to the job.",
            "Prints the job id; exit 0 when the cluster started the job, 1 when it refused it (with its reason),"
                + " 2 for bad usage or a JobManager that cannot be reached."})
final class FlinkCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--jobmanager", paramLabel = "URL", defaultValue = "http://localhost:8081",
            description = "The JobManager's REST address (default: ${DEFAULT-VALUE}).")
    URI jobManager;

    @Option(names = "--jar", paramLabel = "FILE", defaultValue = "flink-runner/target/vigil-flink.jar",
            description = "The job jar, built by mvn package (default: ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = {"-p", "--parallelism"}, paramLabel = "N",
            description = "The job's parallelism (default: the cluster's).")
    Integer parallelism;

    @Option(names = {"-s", "--from-savepoint"}, paramLabel = "PATH",
            description = "Restore the job from this savepoint (or retained checkpoint) path.")
    String savepoint;

    @Option(names = "--allow-non-restored-state",
            description = "Restore from a savepoint that holds state of operators the job no longer has.")
    boolean allowNonRestoredState;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2m", converter = DurationConverter.class,
            description = "How long each request to the JobManager may take (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT,...",
            description = "The Kafka cluster the job reads and writes (passed on to the job).")
    String kafkaBootstrap;

    @Option(names = "--kafka-topics", paramLabel = "TOPIC[=STREAM]", split = ",",
            description = "Topics the job reads events from instead of --events, as vigil run --kafka-topics: "
                    + "TOPIC=STREAM, the topic's events are of STREAM; TOPIC alone, each value names its stream.")
    List<String> kafkaTopics;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting (security, timeouts) of the job's consumers and producers, as "
                    + "vigil run's; repeatable.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Parameters(paramLabel = "JOB_ARGUMENT", arity = "1..*",
            description = "The job's arguments, after '--': --rules FILE... --events FILE [--alerts DIR] ...")
    List<String> jobArguments;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (!"http".equals(jobManager.getScheme()) && !"https".equals(jobManager.getScheme())
                || jobManager.getHost() == null) {
            err.println("vigil flink: --jobmanager " + jobManager + " is not an http:// or https:// address");
            return Vigil.EXIT_USAGE;
        }
        if (parallelism != null && parallelism < 1) {
            err.println("vigil flink: --parallelism " + parallelism + ": a job runs on at least 1 slot");
            return Vigil.EXIT_USAGE;
        }
        String kafkaProblem = kafkaProblem();
        if (kafkaProblem != null) {
            err.println("vigil flink: " + kafkaProblem);
            return Vigil.EXIT_USAGE;
        }
        if (!Files.isRegularFile(jar)) {
            err.println("vigil flink: no job jar at " + jar + " (build it with: mvn -pl flink-runner -am package"
                    + " -DskipTests; or give --jar)");
            return Vigil.EXIT_USAGE;
        }
        String base = jobManager.toString().replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs)).build();
        try {
            Reply upload = upload(http, base);
            if (!upload.ok()) {
                err.println("vigil flink: " + base + " refused the jar: " + upload.errors());
                return Vigil.EXIT_USAGE;
            }
            String jarId = Path.of(upload.body().path("filename").asText()).getFileName().toString();
            try {
                Reply run = send(http, HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(runRequest())));
                if (!run.ok()) {
                    err.println("vigil flink: the cluster did not start the job: " + run.errors());
                    return Vigil.EXIT_RULE_ERRORS;
                }
                spec.commandLine().getOut().println("submitted job " + run.body().path("jobid").asText() + " to "
                        + base);
                return 0;
            } finally {
                send(http, HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId)).DELETE());
            }
        } catch (IOException e) {
            err.println("vigil flink: cannot reach the JobManager at " + base + ": " + e.getMessage());
            return Vigil.EXIT_USAGE;
        }
    }

    /** What is wrong with the Kafka options, or null. */
    private String kafkaProblem() {
        if ((kafkaTopics != null || !kafkaProperties.isEmpty()) && kafkaBootstrap == null) {
            return "--kafka-topics and --kafka-property need --kafka-bootstrap: the cluster";
        }
        Set<String> seen = new HashSet<>();
        for (String entry : kafkaTopics == null ? List.<String>of() : kafkaTopics) {
            String problem = ServerConfig.KafkaSource.topicProblem(entry);
            if (problem != null) {
                return "--kafka-topics: " + problem;
            }
            String topic = entry.split("=", 2)[0].strip();
            if (!seen.add(topic)) {
                return "--kafka-topics names topic '" + topic + "' twice";
            }
        }
        return null;
    }

    /** The job's arguments: the Kafka options given to vigil flink, then those after {@code --}. */
    private List<String> programArguments() {
        List<String> arguments = new ArrayList<>();
        if (kafkaBootstrap != null) {
            arguments.addAll(List.of("--kafka-bootstrap", kafkaBootstrap));
        }
        if (kafkaTopics != null) {
            arguments.addAll(List.of("--kafka-topics", String.join(",", kafkaTopics)));
        }
        kafkaProperties.forEach((key, value) -> arguments.addAll(List.of("--kafka-property", key + "=" + value)));
        arguments.addAll(jobArguments);
        return arguments;
    }

    /** The body of {@code POST /jars/:id/run}. */
    private String runRequest() {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("programArgsList").addAll(programArguments().stream().map(JSON.getNodeFactory()::textNode)
                .toList());
        if (parallelism != null) {
            request.put("parallelism", parallelism);
        }
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
            request.put("allowNonRestoredState", allowNonRestoredState);
        }
        return request.toString();
    }

    /** {@code POST /jars/upload}: the jar as the multipart field {@code jarfile}. */
    private Reply upload(HttpClient http, String base) throws IOException, InterruptedException {
        String boundary = "vigil-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(http, HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private Reply send(HttpClient http, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofMillis(timeoutMs)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException notJson) {
            body = JSON.createObjectNode().set("errors", JSON.createArrayNode().add(response.body()));
        }
        return new Reply(response.statusCode(), body == null ? JSON.createObjectNode() : body);
    }

    /** A JobManager's answer. */
    private record Reply(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** Flink's {@code errors}: the first line of each, and the job's own exception where there is one. */
        String errors() {
            List<String> lines = new ArrayList<>();
            for (JsonNode error : body.path("errors")) {
                for (String line : error.asText().split("\n")) {
                    String trimmed = line.strip();
                    boolean frame = trimmed.startsWith("at ") || trimmed.startsWith("...");
                    if (!frame && !trimmed.isEmpty() && !lines.contains(trimmed)) {
                        lines.add(trimmed);
                    }
                }
            }
            return "HTTP " + status + (lines.isEmpty() ? "" : ":\n" + String.join("\n", lines));
        }
    }
}
