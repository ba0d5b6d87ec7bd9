package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.List;
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
 * a rule comes back as the JobManager's error, with the rule's diagnostics, and exit 1.
 */
@Command(name = "flink", mixinStandardHelpOptions = true,
        description = {"Submit the Vigil job jar to a Flink cluster through the JobManager's REST API; no Flink"
                + " client needed. The job's arguments follow '--' (docs/flink.md), e.g.:",
            "  vigil flink --jobmanager http://jm:8081 -p 4 -- \\",
            "      --rules /shared/fraud.cep --events /shared/in.ndjson --alerts s3://out",
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

    /** The body of {@code POST /jars/:id/run}. */
    private String runRequest() {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("programArgsList").addAll(jobArguments.stream().map(JSON.getNodeFactory()::textNode)
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
