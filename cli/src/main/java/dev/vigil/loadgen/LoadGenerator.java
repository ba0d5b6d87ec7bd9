package dev.vigil.loadgen;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * One bench run, start to end: deploy the bench rule, subscribe to its alerts, send events on every connection,
 * let the last events out with a final watermark per stream, wait for the alerts, delete the rule, and report.
 *
 * <pre>
 *   RulesClient.deploy ─▶ AlertReceiver.connect ─▶ EventSender.connect ×n ─▶ EventSender.send ×n
 *     (a thread each) ─▶ EventSender.finish ×n ─▶ wait for alerts ─▶ close ─▶ RulesClient.delete ─▶ BenchResult
 * </pre>
 *
 * <p><b>Threading:</b> {@link #run} blocks the calling thread for the whole run; it starts one thread per
 * connection and stops them before it returns.
 */
public final class LoadGenerator {
    /** How long to wait for a missing alert after the last one came. */
    static final long ALERT_QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private LoadGenerator() {}

    /**
     * Runs the bench described by {@code settings} over {@code http} (which decides the TLS certificates trusted),
     * writing a progress line every few seconds to {@code progress}; throws when the run cannot be carried out (the
     * message says why, for the user).
     */
    public static BenchResult run(BenchSettings settings, HttpClient http, PrintWriter progress)
            throws BenchException {
        ServerEndpoint server = new ServerEndpoint(settings.server());
        RulesClient rules = new RulesClient(http, server);
        rules.deploy(BenchRule.NAME, BenchRule.text(settings.connections()));
        try {
            return measure(settings, http, server, progress);
        } finally {
            deleteQuietly(rules, progress);
        }
    }

    /** Deletes the bench rule; a failure is reported but does not hide the result or the run's own failure. */
    private static void deleteQuietly(RulesClient rules, PrintWriter progress) {
        try {
            rules.delete(BenchRule.NAME);
        } catch (BenchException e) {
            progress.println("vigil bench: could not delete the rule " + BenchRule.NAME + ": " + e.getMessage());
            progress.flush();
        }
    }

    private static BenchResult measure(BenchSettings settings, HttpClient http, ServerEndpoint server,
            PrintWriter progress) throws BenchException {
        AlertReceiver alerts = AlertReceiver.connect(http, server);
        KeySequence[] keys = KeySequence.forConnections(settings.keys(), settings.connections(), settings.seed());
        EventClock clock = EventClock.startingNow();
        List<EventSender> senders = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(settings.connections(), runnable -> {
            Thread thread = new Thread(runnable, "vigil-bench-sender");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int c = 0; c < settings.connections(); c++) {
                senders.add(EventSender.connect(http, server, c, keys[c], clock, settings.inFlight()));
            }
            long zero = System.nanoTime();
            long warmupNanos = TimeUnit.MILLISECONDS.toNanos(settings.warmupMs());
            alerts.start(zero, warmupNanos);
            List<Future<?>> sending = new ArrayList<>();
            for (int c = 0; c < settings.connections(); c++) {
                SendPlan plan = plan(settings, c, zero, warmupNanos);
                EventSender sender = senders.get(c);
                sending.add(threads.submit(() -> {
                    sender.send(plan);
                    return null;
                }));
            }
            awaitSenders(sending, senders, zero, progress);
            long lastTimestamp = 0;
            for (EventSender sender : senders) {
                lastTimestamp = Math.max(lastTimestamp, sender.lastTimestampMs());
            }
            for (EventSender sender : senders) {
                sender.finish(lastTimestamp);
            }
            long expected = 0;
            for (EventSender sender : senders) {
                expected += sender.expectedAlerts();
            }
            awaitAlerts(alerts, expected);
            return result(settings, senders, alerts, expected, zero + warmupNanos);
        } finally {
            threads.shutdownNow();
            for (EventSender sender : senders) {
                sender.close();
            }
            alerts.close();
        }
    }

    private static SendPlan plan(BenchSettings settings, int connection, long zero, long warmupNanos) {
        long measureFrom = zero + warmupNanos;
        long until = settings.events() > 0 ? Long.MAX_VALUE
                : measureFrom + TimeUnit.MILLISECONDS.toNanos(settings.durationMs());
        long events = settings.events() > 0 ? settings.eventsOf(connection) : Long.MAX_VALUE;
        double interval = settings.rate() == 0 ? 0
                : 1e9 * settings.batch() * settings.connections() / settings.rate();
        long offset = (long) (interval * connection / settings.connections());
        return new SendPlan(zero, measureFrom, until, events, interval, offset, settings.batch());
    }

    private static void awaitSenders(List<Future<?>> sending, List<EventSender> senders, long zero,
            PrintWriter progress) throws BenchException {
        long nextReport = zero + PROGRESS_EVERY_NANOS;
        for (Future<?> future : sending) {
            while (true) {
                try {
                    future.get(200, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException running) {
                    if (System.nanoTime() >= nextReport) {
                        nextReport += PROGRESS_EVERY_NANOS;
                        long acknowledged = 0;
                        for (EventSender sender : senders) {
                            acknowledged += sender.eventsAcknowledged();
                        }
                        progress.printf(Locale.ROOT, "vigil bench: %.0f s, %,d events acknowledged%n",
                                (System.nanoTime() - zero) / 1e9, acknowledged);
                        progress.flush();
                    }
                } catch (ExecutionException failed) {
                    if (failed.getCause() instanceof BenchException bench) {
                        throw bench;
                    }
                    throw new IllegalStateException("sender failed", failed.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BenchException(BenchException.Kind.RUN_FAILED, "interrupted while sending");
                }
            }
        }
    }

    /** Waits until every expected alert came, the subscription ended, or no alert came for a while. */
    private static void awaitAlerts(AlertReceiver alerts, long expected) {
        long received = alerts.received();
        long lastProgress = System.nanoTime();
        while (received < expected && alerts.failure() == null
                && System.nanoTime() - lastProgress < ALERT_QUIET_NANOS) {
            try {
                Thread.sleep(10);   // a poll: the alerts arrive on the HTTP client's threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = alerts.received();
            if (now != received) {
                received = now;
                lastProgress = System.nanoTime();
            }
        }
    }

    private static BenchResult result(BenchSettings settings, List<EventSender> senders, AlertReceiver alerts,
            long expected, long measureFromNanos) {
        long sent = 0;
        long acknowledged = 0;
        long refused = 0;
        long measured = 0;
        long lastAck = measureFromNanos;
        String firstRefusal = null;
        for (EventSender sender : senders) {
            sent += sender.eventsSent();
            acknowledged += sender.eventsAcknowledged();
            refused += sender.elementsRefused();
            measured += sender.measuredAcknowledged();
            lastAck = Math.max(lastAck, sender.lastMeasuredAckNanos());
            if (firstRefusal == null) {
                firstRefusal = sender.firstRefusal();
            }
        }
        List<String> problems = new ArrayList<>();
        if (acknowledged != sent) {
            problems.add(String.format(Locale.ROOT, "%,d of %,d events sent were not acknowledged as queued",
                    sent - acknowledged, sent));
        }
        if (refused > 0) {
            problems.add(String.format(Locale.ROOT, "the server refused %,d elements; the first: %s", refused,
                    firstRefusal));
        }
        long received = alerts.received();
        if (received != expected) {
            problems.add(String.format(Locale.ROOT, "%,d alerts received, %,d expected", received, expected));
        }
        if (alerts.failure() != null) {
            problems.add(alerts.failure());
        }
        if (alerts.unreadable() > 0) {
            problems.add(alerts.unreadable() + " alert messages had no readable 'sent' field");
        }
        Histogram latency = alerts.latencyMicros();
        return new BenchResult(settings, sent, acknowledged, refused, firstRefusal, measured,
                (lastAck - measureFromNanos) / 1e9, expected, received, Latency.of(latency), problems);
    }
}
