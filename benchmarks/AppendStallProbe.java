import dev.vigil.server.log.PageToucher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * How long a writer of a Chronicle queue stalls in page faults on fresh pages, with and without the server's
 * {@link PageToucher}: appends {@code count} excerpts of 8 KiB (about one batch of 100 events) at {@code rate}
 * per second to a queue in a fresh temporary folder, and reports the time spent in appends slower than 1 ms.
 *
 * <p>Run (after {@code mvn -o -q -B -DskipTests package -pl cli -am}) with the JVM options of
 * {@code vigil.jvm.args} in the root {@code pom.xml} (Chronicle's opens and exports), as {@code $JVM_ARGS}:
 * {@code java $JVM_ARGS -cp cli/target/vigil.jar benchmarks/AppendStallProbe.java touch|none [rate] [count]}.
 */
public class AppendStallProbe {
    public static void main(String[] args) throws Exception {
        System.setProperty("chronicle.analytics.disable", "true");
        boolean touch = args.length < 1 || args[0].equals("touch");
        long rate = args.length < 2 ? 5_000 : Long.parseLong(args[1]);
        int count = args.length < 3 ? 40_000 : Integer.parseInt(args[2]);
        byte[] payload = new byte[8192];
        Path folder = Files.createTempDirectory("append-stall-probe");
        PageToucher toucher = touch ? new PageToucher("probe-pretouch", new PrintWriter(System.err, true)) : null;
        long total = 0;
        long stalled = 0;
        long worst = 0;
        int stalls = 0;
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(folder.toFile()).build();
                ExcerptAppender appender = queue.createAppender()) {
            long begin = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = begin + i * 1_000_000_000L / rate;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(50_000);
                }
                long start = System.nanoTime();
                long end;
                try (DocumentContext document = appender.writingDocument()) {
                    document.wire().bytes().write(payload);
                    end = document.wire().bytes().writePosition();
                }
                if (toucher != null) {
                    toucher.wrote(appender.currentFile(), end);
                }
                long took = System.nanoTime() - start;
                total += took;
                worst = Math.max(worst, took);
                if (took > 1_000_000) {
                    stalls++;
                    stalled += took;
                }
            }
        } finally {
            if (toucher != null) {
                toucher.close();
            }
        }
        System.out.printf("%s: %,d appends of 8 KiB at %,d/s: %,d ms in appends, %,d ms of it in %d appends over "
                + "1 ms (worst %.1f ms)%n", touch ? "touch" : "none", count, rate, total / 1_000_000,
                stalled / 1_000_000, stalls, worst / 1e6);
    }
}
