package dev.vigil.bench.kafka;

import dev.vigil.connectors.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * A Kafka broker as a process of its own, for {@code benchmarks/kafka-bench.sh}: the connectors' test broker
 * ({@link KafkaBroker}: Apache Kafka's KRaft test kit, one combined controller and broker on a random loopback port,
 * its logs in a fresh temporary folder, internal topics of one partition and one replica, Kafka's defaults
 * otherwise). It writes its bootstrap address to the file given (so the script learns the port without reading a
 * log) and runs until it is sent SIGTERM, then stops and deletes its logs.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.vigil.bench.kafka.BenchBroker BOOTSTRAP_FILE}.
 */
public final class BenchBroker {
    private BenchBroker() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BenchBroker BOOTSTRAP_FILE");
            System.exit(2);
        }
        KafkaBroker broker = new KafkaBroker();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                System.err.println("BenchBroker: stopping the broker failed: " + e);
            }
        }, "bench-broker-stop"));
        broker.start();
        Path file = Path.of(args[0]);
        Path partial = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(partial, broker.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        System.err.printf("BenchBroker: %s ready in %d ms%n", broker.bootstrapServers(), broker.startedInMs());
        new CountDownLatch(1).await();   // until SIGTERM runs the hook
    }
}
