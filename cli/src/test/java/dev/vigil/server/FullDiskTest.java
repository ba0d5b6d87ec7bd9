package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EventTime;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder whose disk fills up, on a real, small file system: nothing acknowledged is lost, a rule change the
 * log cannot take is refused (503, never 201), alerts wait in memory until the alert log takes them, ingestion
 * resumes by itself when space returns, and the server starts on the full disk. With {@code minFreeDiskMb 0}, so
 * that nothing stops ingestion before the disk is actually full.
 *
 * <p>The file system is a 40 MiB tmpfs mounted in a mount namespace of its own, held by a {@code sleep} process
 * ({@code unshare -m}; {@code unshare -rm} for a user who is not root). The servers run inside that namespace
 * ({@code nsenter}), and the test fills and frees the disk through {@code /proc/<holder>/root}. A real full disk
 * is the point: the failure is SIGBUS in a memory-mapped write, which the JVM reports as an {@code InternalError}
 * at some later, unrelated point of the thread, so injecting an exception at the write would not show it. Where
 * the machine gives no mount namespace (no {@code unshare}, or unprivileged user namespaces disabled), the test is
 * skipped, saying why.
 */
class FullDiskTest {
    private static final int BATCH = 100;
    /** Each event carries this much text, so a batch takes about 100 KiB of log. */
    private static final String PAD = "x".repeat(1_000);

    @TempDir
    Path folder;

    private int next;
    private final Set<Integer> acknowledged = new TreeSet<>();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)   // three server starts in a child JVM, on a loaded machine
    void aFullDiskRefusesWhatItCannotLogAndLosesNothingAcknowledged() throws Exception {
        Path mountPoint = Files.createDirectories(folder.resolve("disk"));
        try (Namespace disk = Namespace.withTmpfs(mountPoint, "40m")) {
            Path rules = Files.createDirectories(folder.resolve("rules"));
            Path data = mountPoint.resolve("data");
            List<String> serve = List.of("--min-free-disk-mb", "0");

            try (ServerProcess server = ServerProcess.start("a", folder, rules, data, disk.enter(), serve)) {
                assertEquals(201, server.send("POST", "/v1/rules", "text/plain", """
                        RULE every FROM payments PARTITION BY card
                          PATTERN a
                          DEFINE a AS amount >= 0
                          EMIT n = a.n
                        """).statusCode());
                for (int i = 0; i < 3; i++) {
                    assertEquals(202, send(server).statusCode());
                }
                disk.fill(data, 1_500_000);
                int refused = 0;
                for (int i = 0; i < 80 && refused < 3; i++) {
                    HttpResponse<String> answer = send(server);
                    if (answer.statusCode() == 503) {
                        refused++;
                        assertTrue(answer.body().contains("no space"), answer.body());
                    } else {
                        assertEquals(202, answer.statusCode(), answer.body());
                    }
                }
                assertEquals(3, refused, "a full disk refuses batches\n" + server.logs());

                // full to the last byte: a record far smaller than a batch may still fit what the refused batches
                // left, or what a checkpoint deleting its predecessor (every 250 ms here) gave back meanwhile
                disk.fill(data, 0);
                HttpResponse<String> deploy = server.send("POST", "/v1/rules", "text/plain",
                        "RULE other FROM payments PATTERN a DEFINE a AS amount > 5");
                assertEquals(503, deploy.statusCode(), "a rule change the log cannot take is not made: "
                        + deploy.body());
                assertTrue(deploy.body().contains("no space"), deploy.body());
                HttpResponse<String> ready = server.get("/ready");
                assertEquals(503, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("no space"), ready.body());
                server.kill();   // on the full disk, with alerts possibly still held in memory
            }

            disk.fill(data, 0);   // what the killed server held may have been freed: full to the last byte
            try (ServerProcess server = ServerProcess.start("b", folder, rules, data, disk.enter(), serve)) {
                // started on the full disk: it replays the log, and refuses what it cannot log
                HttpResponse<String> refused = send(server);
                assertEquals(503, refused.statusCode(), refused.body());
                disk.free(data);
                awaitReady(server);
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> accepted = send(server);
                    assertEquals(202, accepted.statusCode(), "ingestion resumes once space returns: "
                            + accepted.body());
                }
                HttpResponse<String> time = server.send("POST", "/v1/events", "application/x-ndjson",
                        "{\"watermark\": " + EventTime.MAX_MS + "}");
                assertEquals(202, time.statusCode(), "the last events match once time passes them: " + time.body());
                awaitAlerts(server);
                server.kill();
            }

            try (ServerProcess server = ServerProcess.start("c", folder, rules, data, disk.enter(), serve)) {
                List<JsonObject> alerts = AlertPages.readAll(server);
                Set<Integer> numbers = new TreeSet<>();
                Set<String> ids = new HashSet<>();
                for (JsonObject alert : alerts) {
                    numbers.add(alert.getJsonObject("fields").getInteger("n"));
                    ids.add(alert.getString("id"));
                }
                assertEquals(alerts.size(), ids.size(), "each alert once");
                assertEquals(acknowledged, numbers, "an alert for every acknowledged event and for nothing else"
                        + "\n" + server.logs());
                assertEquals(404, server.get("/v1/rules/other").statusCode(), "the refused deploy left no rule");
                assertTrue(!server.stderr().contains("InternalError"), server.logs());
            }
        }
    }

    /** Sends the next batch of events; remembers their numbers when acknowledged. */
    private HttpResponse<String> send(ServerProcess server) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        int first = next;
        for (int i = 0; i < BATCH; i++, next++) {
            body.append("{\"stream\":\"payments\",\"card\":\"c").append(next % 10).append("\",\"amount\":1,\"n\":")
                    .append(next).append(",\"pad\":\"").append(PAD).append("\",\"ts\":").append(1_000 + next)
                    .append("}\n");
        }
        HttpResponse<String> answer = server.send("POST", "/v1/events", "application/x-ndjson", body.toString());
        if (answer.statusCode() == 202) {
            for (int n = first; n < next; n++) {
                acknowledged.add(n);
            }
        }
        return answer;
    }

    private static void awaitReady(ServerProcess server) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.get("/ready").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "not ready again after space returned\n" + server.logs());
            ServerProcess.pause(50);
        }
    }

    /** Waits until the alert history holds an alert for every acknowledged event. */
    private void awaitAlerts(ServerProcess server) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Set<Integer> missing;
        do {
            missing = new TreeSet<>(acknowledged);
            for (JsonObject alert : AlertPages.readAll(server)) {
                missing.remove(alert.getJsonObject("fields").getInteger("n"));
            }
            if (!missing.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no alert for " + missing.size() + " acknowledged events, "
                        + "from " + missing.iterator().next() + "\n" + server.logs());
                ServerProcess.pause(100);
            }
        } while (!missing.isEmpty());
    }

    /** A mount namespace with a tmpfs mounted in it, held open by a process of its own until closed. */
    private static final class Namespace implements AutoCloseable {
        private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
        private final Process holder;
        private final Path mountPoint;
        private int fillers;

        private Namespace(Process holder, Path mountPoint) {
            this.holder = holder;
            this.mountPoint = mountPoint;
        }

        /** Mounts a tmpfs of {@code size} on {@code mountPoint} in a new namespace, or skips the test. */
        static Namespace withTmpfs(Path mountPoint, String size) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("unshare", ROOT ? "-m" : "-rm", "sh", "-c",
                    "mount -t tmpfs -o size=" + size + " tmpfs '" + mountPoint + "' && echo mounted && exec sleep 600"));
            Process holder;
            try {
                holder = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException noUnshare) {
                Assumptions.abort("no unshare on this machine: " + noUnshare.getMessage());
                throw noUnshare;
            }
            byte[] said = new byte[200];
            int length = holder.getInputStream().read(said);
            String line = length <= 0 ? "" : new String(said, 0, length).trim();
            if (!line.equals("mounted")) {
                holder.destroyForcibly();
                Assumptions.abort("cannot mount a tmpfs in a namespace of its own here: " + line);
            }
            return new Namespace(holder, mountPoint);
        }

        /** What runs a command inside the namespace. */
        List<String> enter() {
            String pid = Long.toString(holder.pid());
            return ROOT ? List.of("nsenter", "-t", pid, "-m")
                    : List.of("nsenter", "-t", pid, "-U", "-m", "--preserve-credentials");
        }

        /** Fills the file system of {@code data} but {@code leaveBytes} with a file of its own. */
        void fill(Path data, long leaveBytes) throws IOException {
            Path filler = seen(data.resolve("filler-" + ++fillers));
            long free = seen(data).toFile().getUsableSpace();
            byte[] block = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(filler)) {
                for (long left = free - leaveBytes; left > 0; left -= block.length) {
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
            } catch (IOException full) {
                if (leaveBytes > 0 || !String.valueOf(full.getMessage()).contains("No space left")) {
                    throw full;   // filling to the last byte may find a few bytes fewer than it read
                }
            }
        }

        /** Deletes the filler files. */
        void free(Path data) throws IOException {
            for (int i = 1; i <= fillers; i++) {
                Files.delete(seen(data.resolve("filler-" + i)));
            }
        }

        /** {@code path} as this process reaches it: through the holder's view of the file system. */
        private Path seen(Path path) {
            return Path.of("/proc/" + holder.pid() + "/root" + path);
        }

        @Override
        public void close() throws InterruptedException {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
