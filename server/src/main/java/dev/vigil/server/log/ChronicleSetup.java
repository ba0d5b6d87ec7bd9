package dev.vigil.server.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings Chronicle Queue reads once, when its classes load, and the one way the server's logs open a queue for
 * writing ({@link #writable}).
 *
 * <p>Settings: {@code vigil} calls {@link #apply} first thing, and the logs call it before opening a queue (for
 * embedders). Chronicle would otherwise send usage analytics over the network (a server must not call out on its
 * own). Its log lines go through SLF4J to the server's log, where its loggers are at WARN.
 *
 * <p>Cycle files a killed server left half-created: Chronicle writes a file's header before any record, marking the
 * header's first word "not complete" until it is written. A server killed in between leaves a file that holds no
 * record and whose header never completes, and Chronicle, taking it for one another process is still creating,
 * waits for that header ({@code timeoutMS}, 10 s) at every opening of that cycle, by a reader as well as by the
 * writer, before it moves the file aside itself: a restart took more than 30 s. The server is its log's only
 * writer, so when it opens a log every such file is a dead writer's: {@link #writable} deletes it first (it holds
 * nothing) and says so in the log.
 */
public final class ChronicleSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleSetup.class);
    /** The bit of a Chronicle header's first word that says the header is still being written. */
    private static final int NOT_COMPLETE = 0x8000_0000;

    static {
        setIfAbsent("chronicle.analytics.disable", "true");
    }

    private ChronicleSetup() {
    }

    /** Applies the settings (once, in this class's initializer); a value already given on the command line wins. */
    public static void apply() {
        // the static initializer did the work; calling this makes sure it ran
    }

    /**
     * A builder of the queue in {@code folder} for the server that writes it, after the settings are applied and
     * the cycle files a killed writer left without a header are deleted; not while another process writes there.
     */
    static SingleChronicleQueueBuilder writable(Path folder) {
        apply();
        deleteHalfCreatedCycles(folder);
        return ChronicleQueue.singleBuilder(folder.toFile());
    }

    /** Deletes the cycle files of {@code folder} whose header was never completed; they hold no record. */
    static void deleteHalfCreatedCycles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> cycles = Files.newDirectoryStream(folder, "*.cq4")) {
            for (Path cycle : cycles) {
                if (headerIncomplete(cycle)) {
                    Files.delete(cycle);
                    LOG.warn("deleted {}: a server was killed while it created the file, which holds no record",
                            cycle);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the log files in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static boolean headerIncomplete(Path cycle) throws IOException {
        try (FileChannel file = FileChannel.open(cycle, StandardOpenOption.READ)) {
            ByteBuffer first = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
            return file.read(first, 0) == Integer.BYTES && (first.getInt(0) & NOT_COMPLETE) != 0;
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
