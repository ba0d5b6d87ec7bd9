package dev.vigil.connectors;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Clock;

/** Opens the sink a {@link SinkSpec} describes. The module's one factory. */
public final class Sinks {
    private Sinks() {}

    /**
     * Opens a sink. Call on a Vert.x context (the server's event loop): a webhook sink runs its HTTP client there.
     *
     * @param clock wall time for log lines and file rotation
     * @param log where a log sink writes (the server's standard output)
     */
    public static Sink open(SinkSpec spec, Vertx vertx, Clock clock, PrintStream log) {
        return open(spec, vertx, clock, log, Confinement.NONE);
    }

    /** Opens a sink that may reach only what {@code confinement} allows (a sink named in rule text). */
    public static Sink open(SinkSpec spec, Vertx vertx, Clock clock, PrintStream log, Confinement confinement) {
        return open("sink", spec, vertx, clock, log, confinement, AlertFeed.NONE);
    }

    /**
     * Opens a sink named {@code name}; a log-following sink ({@code kafka}, a {@link LogFollowingSink}) reads the
     * alerts of {@code feed} once started.
     */
    public static Sink open(String name, SinkSpec spec, Vertx vertx, Clock clock, PrintStream log,
            Confinement confinement, AlertFeed feed) {
        if (spec instanceof SinkSpec.Kafka kafka) {
            return new KafkaSink(name, kafka, feed);
        }
        if (spec instanceof SinkSpec.Webhook webhook) {
            return new WebhookSink(webhook, vertx, confinement.webhookHosts(), WebhookSink.SYSTEM_RESOLVER);
        }
        if (spec instanceof SinkSpec.File file) {
            return new FileSink(file, clock, confinement.fileFolder()).start();
        }
        if (spec instanceof SinkSpec.Log logSpec) {
            return new LogSink(logSpec, log, clock).start();
        }
        throw new AssertionError(spec);
    }
}
