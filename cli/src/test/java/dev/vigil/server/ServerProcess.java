package dev.vigil.server;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vigil serve} in a JVM of its own, so that the test can {@code kill -9} it: started on port 0 with a data
 * folder, its port read from its {@code listening on} line, its stdout and stderr in files kept for the failure
 * report.
 *
 * <p>The child runs the test's own JVM and classpath, with the flags Chronicle Queue needs
 * ({@link ChildJvm#chronicleFlags}). Its temporary files go to a folder under the test's, so a killed child leaves
 * nothing behind in {@code /tmp}.
 *
 * <p><b>Not thread-safe:</b> used by the test thread only.
 */
final class ServerProcess implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("\\blistening on http:(?://|\\\\/\\\\/)127\\.0\\.0\\.1:(\\d+) ");

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    private final Thread reaper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private int port;

    private ServerProcess(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
        this.reaper = new Thread(process::destroyForcibly, "kill " + name);   // if the test JVM exits first
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code vigil serve --host 127.0.0.1 --port 0 --rules rules --data data --shards 2} with checkpoints every
     * {@link #CHECKPOINT_INTERVAL_MS} (often, so kills land before, during and after them) in {@code folder}
     * (its working directory, where {@code <name>.out} and {@code <name>.err} are written) and waits until it
     * listens.
     */
    static ServerProcess start(String name, Path folder, Path rules, Path data) throws IOException {
        return start(name, folder, rules, data, List.of(), List.of());
    }

    /**
     * As {@link #start(String, Path, Path, Path)}, the JVM run by {@code launcher} (a command and its arguments
     * before {@code java}, such as {@code nsenter}; empty for none), with {@code serveArgs} after the usual ones.
     */
    static ServerProcess start(String name, Path folder, Path rules, Path data, List<String> launcher,
            List<String> serveArgs) throws IOException {
        ServerProcess server = launch(name, folder, rules, data, launcher, serveArgs);
        try {
            server.port = server.awaitPort();
        } catch (RuntimeException | IOException failure) {
            server.close();
            throw failure;
        }
        return server;
    }

    /**
     * As {@link #start(String, Path, Path, Path, List, List)}, without waiting until it listens: to kill a server
     * while it starts (recovering its data folder). It has no port.
     */
    static ServerProcess launch(String name, Path folder, Path rules, Path data, List<String> launcher,
            List<String> serveArgs) throws IOException {
        Path tmp = Files.createDirectories(folder.resolve("tmp"));
        List<String> command = new ArrayList<>(launcher);
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ChildJvm.chronicleFlags());
        // a small, quick-starting JVM: the machine running the build may have two cores; no hsperfdata file in /tmp
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + tmp, "-Dvertx.cacheDirBase=" + tmp.resolve("vertx-cache"),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Vigil",
                "serve", "--host", "127.0.0.1", "--port", "0", "--rules", rules.toString(),
                "--data", data.toString(), "--shards", "2", "--checkpoint-interval", CHECKPOINT_INTERVAL_MS + "ms"));
        command.addAll(serveArgs);
        Path out = folder.resolve(name + ".out");
        Path err = folder.resolve(name + ".err");
        Process process = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ServerProcess(name, process, out, err);
    }

    private int awaitPort() throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher listening = LISTENING.matcher(Files.readString(err, StandardCharsets.UTF_8));
            if (listening.find()) {
                return Integer.parseInt(listening.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue()
                        + " before listening\n" + logs());
            }
            pause(20);
        }
        throw new IllegalStateException(name + " did not listen within " + TIMEOUT + "\n" + logs());
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    HttpResponse<String> send(String method, String pathAndQuery, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(TIMEOUT).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Deploys {@code rules} over HTTP: created (201), or already kept from before a restart (409). */
    void deployAgain(String rules) throws IOException, InterruptedException {
        HttpResponse<String> deployed = send("POST", "/v1/rules", "text/plain", rules);
        if (deployed.statusCode() != 201 && deployed.statusCode() != 409) {
            throw new IllegalStateException(name + ": POST /v1/rules answered " + deployed.statusCode() + ": "
                    + deployed.body());
        }
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send("GET", pathAndQuery, null, null);
    }

    /** SIGTERM: the server stops as an operator stops it; waits until it is gone and returns its exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") did not stop on SIGTERM within "
                    + TIMEOUT + "\n" + logs());
        }
        forgetReaper();
        return process.exitValue();
    }

    /** SIGKILL ({@link Process#destroyForcibly} on Linux): no shutdown hook, no flush; waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for " + TIMEOUT);
        }
        forgetReaper();
    }

    private void forgetReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hooks are running: the reaper kills a process that is already gone, which is harmless
        }
    }

    /** Waits until it ends by itself and returns its exit status. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " still runs after " + TIMEOUT + "\n" + logs());
        }
        forgetReaper();
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Checkpoints are taken this often: many per crash run, so restarts start from checkpoints. */
    static final long CHECKPOINT_INTERVAL_MS = 250;

    /** What the server wrote on stderr so far. */
    String stderr() {
        return read(err);
    }

    /** Its stdout and stderr so far, for a failure report. */
    String logs() {
        return "--- " + name + " stdout\n" + read(out) + "--- " + name + " stderr\n" + read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")\n";
        }
    }

    /**
     * Sleeps: another process has no clock the test could step, so waits on it are short pauses polled against a
     * deadline, and the crash test's kill moments are real pauses.
     */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        } else {
            forgetReaper();
        }
    }
}
