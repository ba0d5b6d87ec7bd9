package dev.vigil.flink;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The child JVM of {@link JobJarOnAFlinkClassPathIT}: a Flink cluster (a MiniCluster: one JobManager with its REST
 * API and jar endpoints on a random loopback port, one TaskManager with 4 slots) in a JVM whose class path holds Flink
 * and its dependencies only, as a cluster's does; a job's classes come from the jar submitted, through Flink's
 * user-code class loader; a job that fails is not restarted. Writes its REST address to the file named, and stops
 * when its standard input ends.
 * Uses Flink's classes only (it is copied alone onto the child's class path), and no nested or anonymous class.
 */
public final class FlinkOnlyCluster {
    private FlinkOnlyCluster() {
    }

    public static void main(String[] args) throws Exception {
        Configuration settings = new Configuration();
        settings.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        settings.set(RestOptions.ADDRESS, "127.0.0.1");
        settings.set(RestOptions.PORT, 0);
        settings.set(WebOptions.SUBMIT_ENABLE, true);
        settings.set(RestartStrategyOptions.RESTART_STRATEGY, "none");   // a class missing fails the job at once
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(settings)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build());
        cluster.start();
        Path file = Path.of(args[0]);
        Path partial = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(partial, cluster.getRestAddress().get().toString() + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        try {
            while (System.in.read() >= 0) {
                // nothing is sent: end of input means the test JVM is done (or gone)
            }
        } finally {
            cluster.close();
        }
        System.exit(0);
    }
}
