package dev.vigil.connectors;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * POSTs each alert's JSON to a URL, at least once.
 *
 * <p>Alerts wait in a queue bounded by {@code queueCapacity}: waiting, in flight and waiting to retry all count,
 * so memory stays bounded however long the receiver is down; a full queue drops the new alert. At most
 * {@code maxInFlight} requests are outstanding. Each attempt has a deadline of {@code timeoutMs} (connecting
 * included); a connection error, a timeout, a 5xx or a 429 answer is retried after an exponential backoff
 * ({@code initialBackoffMs}, doubled per retry up to {@code maxBackoffMs}, with jitter so that many alerts failed
 * together do not retry together; a longer {@code Retry-After} is honoured up to the cap). Any other non-2xx
 * answer is the receiver refusing this alert: counted as failed and dropped, never retried. After
 * {@code maxRetries} retries the alert is dropped.
 *
 * <p>Every attempt carries {@code Idempotency-Key: <alert id>}: a timed-out request may still have reached the
 * receiver, so a retry can deliver twice, and the receiver de-duplicates by the key.
 *
 * <p>A webhook named in rule text checks where it connects ({@link WebhookHosts}): it resolves the URL's host itself
 * (on a worker thread, again after {@link #ADDRESS_TTL_MS} or a failed attempt), judges every address the name has,
 * and connects to the address it judged, keeping the name for the {@code Host} header and TLS. A refused address
 * drops the alert without retry, counted as refused. Redirects are never followed.
 *
 * <p><b>Threading:</b> confined to the Vert.x context it was created on (the server's event loop): the HTTP client,
 * the queue and the timers live there and nothing blocks. {@link #offer} from another thread reserves room at
 * once and hands the alert over with {@code runOnContext}.
 */
final class WebhookSink implements Sink {
    /** How long a resolved and judged address is used before the host is resolved again (the JVM's DNS cache). */
    static final long ADDRESS_TTL_MS = 30_000;
    /** The status of an attempt never sent because the address was refused: not retried. */
    private static final int REFUSED = -1;

    /** Looks a host up: every address it has. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    static final Resolver SYSTEM_RESOLVER = InetAddress::getAllByName;

    private final SinkSpec.Webhook spec;
    private final WebhookHosts hosts;
    private final Resolver resolver;
    /** The address last judged and how old it is; only on the context. */
    private SocketAddress judged;
    private long judgedAtMs;
    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    /** Scheme, host and port: what failures name. The path and query often hold a secret, so they never do. */
    private final String origin;
    private final SinkCounters counters = new SinkCounters();
    /** Accepted and not yet delivered or dropped; the queue bound. Written from any thread by offer. */
    private final AtomicInteger pending = new AtomicInteger();
    private final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    private final Set<Long> retryTimers = new HashSet<>();
    private int inFlight;
    private volatile boolean closed;

    /** One alert and how many attempts it has had. */
    private record Delivery(String id, String json, int attempts) {
        Delivery next() {
            return new Delivery(id, json, attempts + 1);
        }
    }

    /** One HTTP attempt; {@code finished} makes the deadline and the answer race harmlessly. */
    private static final class Attempt {
        final Delivery delivery;
        HttpClientRequest request;
        long deadlineTimer;
        boolean finished;

        Attempt(Delivery delivery) {
            this.delivery = delivery;
        }
    }

    /** Call on a Vert.x context (an event loop): that is where the sink will run. No address is refused. */
    WebhookSink(SinkSpec.Webhook spec, Vertx vertx) {
        this(spec, vertx, WebhookHosts.ANY, SYSTEM_RESOLVER);
    }

    /** A sink connecting only where {@code hosts} allows, resolving names with {@code resolver}. */
    WebhookSink(SinkSpec.Webhook spec, Vertx vertx, WebhookHosts hosts, Resolver resolver) {
        this.spec = spec;
        this.hosts = hosts;
        this.resolver = resolver;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.origin = spec.url().getScheme() + "://" + spec.url().getHost()
                + (spec.url().getPort() < 0 ? "" : ":" + spec.url().getPort());
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) Math.min(
                        Integer.MAX_VALUE, spec.timeoutMs())).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(spec.maxInFlight()));
    }

    @Override
    public boolean offer(String alertId, String rule, String json) {
        if (closed || !reserve()) {
            counters.dropped.incrementAndGet();
            return false;
        }
        Delivery delivery = new Delivery(alertId, json, 0);
        if (onOwnThread()) {
            enqueue(delivery);
        } else {
            context.runOnContext(ignored -> enqueue(delivery));
        }
        return true;
    }

    private boolean reserve() {
        while (true) {
            int now = pending.get();
            if (now >= spec.queueCapacity()) {
                return false;
            }
            if (pending.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    @Override
    public SinkStats stats() {
        return counters.snapshot(pending.get());
    }

    /**
     * Stops on the sink's event loop, where its queue, timers and requests live, and waits (up to 10 s) until it
     * has: a worker of the same context also sees that context as current, and shutting down from there raced the
     * event loop still pumping (ConcurrentModificationException, requests on a closed client).
     */
    @Override
    public void close() {
        if (onOwnThread()) {
            shutDown();
            return;
        }
        java.util.concurrent.CountDownLatch down = new java.util.concurrent.CountDownLatch(1);
        context.runOnContext(ignored -> {
            try {
                shutDown();
            } finally {
                down.countDown();
            }
        });
        try {
            down.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** True on the sink's own event loop thread (not merely in its context, which a worker thread shares). */
    private boolean onOwnThread() {
        return Vertx.currentContext() == context && io.vertx.core.Context.isOnEventLoopThread();
    }

    private void shutDown() {
        if (closed) {
            return;
        }
        closed = true;
        for (long timer : retryTimers) {
            vertx.cancelTimer(timer);
        }
        int waiting = ready.size() + retryTimers.size();
        retryTimers.clear();
        ready.clear();
        giveUp(waiting);
        client.close();   // fails what is in flight; those are dropped as they finish
    }

    private void enqueue(Delivery delivery) {
        if (closed) {
            giveUp(1);
            return;
        }
        ready.add(delivery);
        pump();
    }

    private void pump() {
        while (inFlight < spec.maxInFlight() && !ready.isEmpty() && !closed) {
            send(new Attempt(ready.poll()));
        }
    }

    private void send(Attempt attempt) {
        inFlight++;
        if (attempt.delivery.attempts() > 0) {
            counters.retries.incrementAndGet();
        }
        attempt.deadlineTimer = vertx.setTimer(spec.timeoutMs(), ignored -> {
            finish(attempt, 0, "no answer within " + spec.timeoutMs() + " ms", null);
            if (attempt.request != null) {
                attempt.request.reset();   // frees the connection the silent receiver holds
            }
        });
        // No RequestOptions connect timeout: it arms Vert.x's own timer for getting a connection from the pool, and in
        // Vert.x 5.0 that timer firing after the client closed throws a NullPointerException inside the pool
        // (eclipse-vertx/vert.x#6263, fixed in 5.1.6), which also left the client's close incomplete. The deadline
        // above bounds the whole attempt, connecting included; the client's TCP connect timeout bounds a connect.
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(spec.url().toString())
                .putHeader("Content-Type", "application/json")
                .putHeader("Idempotency-Key", attempt.delivery.id());
        for (Map.Entry<String, String> header : spec.headers().entrySet()) {
            options.putHeader(header.getKey(), header.getValue());
        }
        server().compose(address -> client.request(address == null ? options : options.setServer(address)))
                .compose(request -> {
                    attempt.request = request;
                    if (attempt.finished) {
                        request.reset();
                    }
                    return request.send(attempt.delivery.json());
                })
                .compose(response -> response.body().map(body -> response))
                .onComplete(done -> {
                    if (done.succeeded()) {
                        HttpClientResponse response = done.result();
                        finish(attempt, response.statusCode(), null, response.getHeader("Retry-After"));
                    } else if (done.cause() instanceof RefusedAddress refused) {
                        counters.refused.incrementAndGet();
                        finish(attempt, REFUSED, refused.getMessage(), null);
                    } else {
                        judged = null;   // the next attempt resolves again: the host may have moved
                        finish(attempt, 0, String.valueOf(done.cause().getMessage()), null);
                    }
                });
    }

    /** The address to connect to, resolved and judged; null to let the client resolve (nothing is checked). */
    private Future<SocketAddress> server() {
        if (!hosts.checks()) {
            return Future.succeededFuture();
        }
        long now = System.currentTimeMillis();
        if (judged != null && now - judgedAtMs < ADDRESS_TTL_MS) {
            return Future.succeededFuture(judged);
        }
        String host = spec.url().getHost();
        int port = spec.url().getPort() >= 0 ? spec.url().getPort()
                : "https".equalsIgnoreCase(spec.url().getScheme()) ? 443 : 80;
        return vertx.executeBlocking(() -> {
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            InetAddress[] addresses = resolver.resolve(bare);
            for (InetAddress address : addresses) {
                String refusal = hosts.refusalOf(host, address);
                if (refusal != null) {
                    throw new RefusedAddress("refused: " + refusal + "; a webhook named in rule text may not post "
                            + "there unless webhookAllowedHosts lists it");
                }
            }
            return SocketAddress.inetSocketAddress(new InetSocketAddress(addresses[0], port));
        }, false).onSuccess(address -> {
            judged = address;
            judgedAtMs = now;
        });
    }

    /** The host resolved to an address the sink may not connect to. */
    private static final class RefusedAddress extends Exception {
        RefusedAddress(String message) {
            super(message, null, false, false);
        }
    }

    /** An attempt ended: {@code status} 0 means no answer, {@link #REFUSED} no attempt, and {@code error} says why. */
    private void finish(Attempt attempt, int status, String error, String retryAfter) {
        if (attempt.finished) {
            return;
        }
        attempt.finished = true;
        vertx.cancelTimer(attempt.deadlineTimer);
        inFlight--;
        if (status >= 200 && status < 300) {
            counters.delivered.incrementAndGet();
            pending.decrementAndGet();
        } else {
            counters.failed(status <= 0 ? "POST " + origin + ": " + error : "POST " + origin + ": HTTP " + status);
            boolean retryable = status == 0 || status == 429 || status >= 500;
            if (retryable && attempt.delivery.attempts() < spec.maxRetries() && !closed) {
                retryLater(attempt.delivery.next(), retryAfter);
            } else {
                giveUp(1);
            }
        }
        pump();
    }

    private void retryLater(Delivery delivery, String retryAfter) {
        long[] timer = new long[1];
        timer[0] = vertx.setTimer(backoffMs(delivery.attempts(), retryAfter), ignored -> {
            retryTimers.remove(timer[0]);
            if (closed) {
                return;
            }
            ready.addFirst(delivery);
            pump();
        });
        retryTimers.add(timer[0]);
    }

    /**
     * The wait before retry number {@code retry} (1-based): {@code initialBackoffMs * 2^(retry-1)} capped at
     * {@code maxBackoffMs}, of which a random half is waited ("equal jitter"); at least a valid Retry-After.
     */
    long backoffMs(int retry, String retryAfter) {
        long exponential = spec.initialBackoffMs() << Math.min(retry - 1, 30);
        long capped = exponential <= 0 ? spec.maxBackoffMs() : Math.min(spec.maxBackoffMs(), exponential);
        long wait = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        if (retryAfter != null && retryAfter.strip().matches("\\d{1,9}")) {
            wait = Math.max(wait, Math.min(spec.maxBackoffMs(), Long.parseLong(retryAfter.strip()) * 1_000));
        }
        return Math.max(1, wait);
    }

    private void giveUp(int alerts) {
        if (alerts > 0) {
            counters.dropped.addAndGet(alerts);
            pending.addAndGet(-alerts);
        }
    }
}
