package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.AppenderBase;
import dev.vigil.server.config.ServerConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The log's levels as {@code --log-level} sets them, and its queue: a writer that cannot keep up costs lines, counted
 * and said, never a wait for the caller.
 */
class LoggingTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    @AfterEach
    void restoreTheTestConfiguration() throws Exception {
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void theLevelIsTheServersAndLibrariesStayAtWarnings() {
        Logging.configure(new ServerConfig.Logs("text", "warn", true));
        assertFalse(LoggerFactory.getLogger("dev.vigil.server.VigilServer").isInfoEnabled());
        assertTrue(LoggerFactory.getLogger("dev.vigil.server.VigilServer").isWarnEnabled());
        assertFalse(LoggerFactory.getLogger("vigil.access").isInfoEnabled(), "the access log is at INFO");

        Logging.configure(new ServerConfig.Logs("text", "debug", true));
        assertTrue(LoggerFactory.getLogger("dev.vigil.server.shard.Shard").isDebugEnabled());
        assertFalse(LoggerFactory.getLogger("io.netty.channel.nio.NioEventLoop").isInfoEnabled());
        assertTrue(LoggerFactory.getLogger("io.vertx.core.impl.ContextImpl").isWarnEnabled());

        Logging.configure(new ServerConfig.Logs("text", "error", true));
        assertFalse(LoggerFactory.getLogger("net.openhft.chronicle.queue").isWarnEnabled());
    }

    @Test
    void aFullQueueDropsCountsAndSaysSo() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> slow = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.add(event.getLevel() + " " + event.getFormattedMessage());
            }
        };
        slow.setContext(context);
        slow.start();
        Logging.Bounded queue = new Logging.Bounded(slow, context.getLogger("test"), 1);
        queue.setContext(context);
        queue.start();

        queue.doAppend(event("first"));
        assertTrue(writing.await(30, TimeUnit.SECONDS), "the writer took the first line");
        queue.doAppend(event("second"));   // queued: the queue holds one
        queue.doAppend(event("third"));    // dropped
        queue.doAppend(event("fourth"));   // dropped
        assertEquals(2, queue.dropped());
        release.countDown();
        queue.stop();
        // said before the next line written: where the gap is, give or take the lines queued
        assertEquals(List.of("INFO first", "WARN 2 log line(s) dropped: more came than stderr took (1 queued at most)",
                "INFO second"), written);
    }

    private LoggingEvent event(String message) {
        return new LoggingEvent(LoggingTest.class.getName(), context.getLogger("test"), Level.INFO, message, null,
                null);
    }
}
