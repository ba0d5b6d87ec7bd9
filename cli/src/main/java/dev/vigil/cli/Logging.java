package dev.vigil.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import dev.vigil.server.config.ServerConfig;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The server's log as its settings ask ({@link ServerConfig.Logs}), set up by {@code vigil serve} once the settings
 * are read (until then, and for the other commands, {@code logback.xml} gives the same text lines). Lines go to
 * stderr (stdout carries what {@code log} sinks write): text,
 *
 * <pre>
 * 2026-12-07T09:12:01.204Z INFO  [vigil-sequencer] Recovery - recovered checkpoint 4 (log position 81920), then ...
 * </pre>
 *
 * or one JSON object per line ({@code timestamp} in epoch milliseconds, {@code level}, {@code threadName}, {@code
 * loggerName}, {@code formattedMessage}, {@code throwable}). The server's own loggers write from the chosen level;
 * the libraries' (Netty, Vert.x, Chronicle, RocksDB, Kafka) only warnings and errors.
 *
 * <p>An event loop never waits for the terminal: lines are queued ({@value #QUEUE_LINES} at most) and written by the
 * log's own thread, {@code vigil-log}. When the queue is full a line is dropped and counted, and the writer says how
 * many were lost before the next line it writes.
 */
final class Logging {
    static final int QUEUE_LINES = 8192;
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{0} - %msg%n";
    private static final List<String> LIBRARIES = List.of("io.netty", "io.vertx", "net.openhft", "org.rocksdb",
            "org.apache.kafka", "com.fasterxml");

    private Logging() {
    }

    /** Replaces whatever configuration the log had with {@code logs}. */
    static void configure(ServerConfig.Logs logs) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("stderr");
        console.setTarget("System.err");
        console.setEncoder("json".equals(logs.format()) ? json(context) : text(context));
        console.start();
        Bounded queue = new Bounded(console, context.getLogger(Logging.class), QUEUE_LINES);
        queue.setContext(context);
        queue.setName("queue");
        queue.start();
        Level level = Level.toLevel(logs.level());
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(queue);
        Level libraries = level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN;
        for (String library : LIBRARIES) {
            context.getLogger(library).setLevel(libraries);
        }
    }

    /**
     * Only errors from the Kafka client from now on: a command that reads a topic says itself what went wrong, once,
     * instead of the client's warning at every attempt to connect.
     */
    static void quietKafkaClient() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.apache.kafka").setLevel(Level.ERROR);
    }

    /** Writes what is queued and closes the log: the last thing a stopping server does. */
    static void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMarkers(false);
        encoder.setWithMDC(false);
        encoder.setWithKVPList(false);
        encoder.setWithMessage(false);   // the template; the formatted message is what an operator reads
        encoder.setWithFormattedMessage(true);
        encoder.setWithArguments(false);
        encoder.start();
        return encoder;
    }

    /**
     * The queue in front of stderr and the thread that empties it: {@link #append} never waits (a full queue drops
     * the line and counts it); the writer says how many were dropped before the next line it writes, and at the stop.
     */
    static final class Bounded extends UnsynchronizedAppenderBase<ILoggingEvent> {
        private static final long STOP_WAIT_MS = 2_000;

        private final Appender<ILoggingEvent> out;
        private final Logger self;
        private final ArrayBlockingQueue<ILoggingEvent> queue;
        private final int capacity;
        private final AtomicLong dropped = new AtomicLong();
        private final Thread writer = new Thread(this::write, "vigil-log");
        private volatile boolean stopping;

        /** @param self the logger the dropped-lines warning is said as */
        Bounded(Appender<ILoggingEvent> out, Logger self, int capacity) {
            this.out = out;
            this.self = self;
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.capacity = capacity;
            writer.setDaemon(true);
        }

        @Override
        public void start() {
            super.start();
            writer.start();
        }

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();   // formatted now, on the caller's thread, as the caller meant it
            if (!queue.offer(event)) {
                dropped.incrementAndGet();
            }
        }

        private void write() {
            while (!stopping || !queue.isEmpty()) {
                ILoggingEvent event;
                try {
                    event = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    break;
                }
                reportDropped();
                if (event != null) {
                    out.doAppend(event);
                }
            }
            reportDropped();
        }

        private void reportDropped() {
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                out.doAppend(new LoggingEvent(Logging.class.getName(), self, Level.WARN, "{} log line(s) dropped: "
                        + "more came than stderr took (" + capacity + " queued at most)", null, new Object[] {lost}));
            }
        }

        /** Writes what is queued (for up to two seconds), then stops. */
        @Override
        public void stop() {
            if (!isStarted()) {
                return;
            }
            stopping = true;
            try {
                writer.join(STOP_WAIT_MS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            super.stop();
            out.stop();
        }

        long dropped() {
            return dropped.get();
        }
    }
}
