package dev.vigil.server.config;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The out-of-memory policy of {@code vigil serve}: an {@link OutOfMemoryError} in any thread ends the process at
 * once, with exit status {@link #EXIT_OUT_OF_MEMORY} and one line on stderr, so that a supervisor restarts it and
 * recovery replays the ingest log from the latest checkpoint (nothing acknowledged is lost: acknowledged batches
 * are in the log). A JVM out of heap must not go on: a shard thread that died of it leaves a server that answers
 * nothing, and code that catches every throwable (Vert.x event loops and workers) would carry on with state half
 * changed.
 *
 * <p>The {@code vigil} launcher also passes {@code -XX:+ExitOnOutOfMemoryError}, which the JVM applies where the
 * error is thrown, before any handler; this class covers a JVM started without it ({@code java -jar} by hand): the
 * default uncaught-exception handler (threads the error ends, such as shards), Vert.x's exception handler (event
 * loops), the HTTP failure handler (workers' failed futures) and the checkpoint thread call {@link #check}. The
 * process halts without running shutdown hooks: stopping cleanly needs memory the JVM no longer has, and the logs
 * are built to survive a kill.
 *
 * <p>Only {@code vigil serve} {@link #install installs} the policy; elsewhere (tests, a server embedded in another
 * application) {@link #check} does nothing and the JVM's owner decides.
 *
 * <p><b>Thread-safe.</b>
 */
public final class FatalErrors {
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

    /** The status {@code -XX:+ExitOnOutOfMemoryError} exits with too. */
    public static final int EXIT_OUT_OF_MEMORY = 3;

    /** Said first, and written before anything that could need memory. */
    private static final String MESSAGE = "vigil serve: out of memory: exiting with status " + EXIT_OUT_OF_MEMORY
            + " so that a supervisor restarts the server; recovery replays the ingest log";

    /**
     * {@link #MESSAGE} and a line end, encoded once: written as bytes, it needs no memory at the time (printing a
     * string encodes it into a new array, which fails silently when the heap is full).
     */
    private static final byte[] MESSAGE_LINE = (MESSAGE + System.lineSeparator())
            .getBytes(StandardCharsets.UTF_8);

    /** Causes looked through: a chain may loop back on itself. */
    private static final int MAX_CAUSES = 32;

    private static volatile PrintStream installedOn;

    private FatalErrors() {}

    /**
     * Makes an {@link OutOfMemoryError} end the process, saying so on {@code err} directly (the log's asynchronous
     * writer might not get to it before the process ends); also installs the default uncaught-exception handler,
     * which logs other throwables with their stack.
     */
    public static void install(PrintStream err) {
        installedOn = err;
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            check(failure, thread);
            LOG.error("uncaught exception in thread {}: {}", thread.getName(), failure.toString(), failure);
        });
    }

    /** Ends the process when the policy is installed and {@code failure} is, or was caused by, running out of memory. */
    public static void check(Throwable failure) {
        check(failure, Thread.currentThread());
    }

    private static void check(Throwable failure, Thread thread) {
        PrintStream err = installedOn;
        if (err == null) {
            return;
        }
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError) {
                halt(err, cause, thread);
            }
        }
    }

    private static void halt(PrintStream err, Throwable error, Thread thread) {
        try {
            err.write(MESSAGE_LINE, 0, MESSAGE_LINE.length);
            err.flush();
            err.println("vigil serve: " + error + " in thread " + thread.getName());
            err.flush();
        } catch (Throwable whileReporting) {
            // the message is best effort; the exit is not
        } finally {
            Runtime.getRuntime().halt(EXIT_OUT_OF_MEMORY);
        }
    }
}
