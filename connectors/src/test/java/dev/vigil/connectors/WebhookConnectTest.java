package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where a webhook named in rule text connects: its host resolved by the sink, every address judged by
 * {@link WebhookHosts}, and the connection made to the judged address, against a real receiver on 127.0.0.1.
 * Names under {@code .invalid} exist nowhere (RFC 6761): only the test's resolver knows them, so a delivery proves
 * the HTTP client did not resolve the name again.
 */
class WebhookConnectTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<Sink> sinks = new ArrayList<>();
    private final Map<String, String> hostHeaders = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        sinks.forEach(Sink::close);
        Await.result(vertx.close());
    }

    @Test
    void theSinkConnectsToTheAddressItJudgedAndKeepsTheNameForTheHostHeader() throws Exception {
        int port = receiver();
        Sink sink = open("http://rebind.invalid:" + port + "/hook", WebhookHosts.of(List.of("loopback"), List.of()),
                "127.0.0.1");
        for (int i = 0; i < 3; i++) {
            assertTrue(sink.offer("a" + i, "r", "{\"id\":\"a" + i + "\"}"));
        }
        Await.until(() -> sink.stats().delivered() == 3, sink::stats);
        assertEquals("rebind.invalid:" + port, hostHeaders.get("a0"));
        assertEquals(0, sink.stats().refused());
        assertEquals(1, lookups.get(), "one lookup serves every attempt for " + WebhookSink.ADDRESS_TTL_MS + " ms");
    }

    @Test
    void aNameThatResolvesToTheMetadataServiceIsRefusedWithoutRetry() throws Exception {
        Sink sink = open("http://hooks.invalid/hook", WebhookHosts.of(List.of(), List.of()), "169.254.169.254");
        assertTrue(sink.offer("a1", "r", "{\"id\":\"a1\"}"));
        Await.until(() -> sink.stats().dropped() == 1, sink::stats);
        SinkStats stats = sink.stats();
        assertEquals(new SinkStats(0, 1, 0, 1, 0, "POST http://hooks.invalid: refused: 169.254.169.254 (the address "
                + "of hooks.invalid) is link-local (where cloud metadata services answer); a webhook named in rule "
                + "text may not post there unless webhookAllowedHosts lists it", 1), stats);
    }

    /** One denied address among several is enough: the client could pick any of them. */
    @Test
    void aNameWithOneDeniedAddressAmongOthersIsRefused() throws Exception {
        int port = receiver();
        Sink sink = open("http://mixed.invalid:" + port + "/", WebhookHosts.of(List.of("127.0.0.1"), List.of()),
                "127.0.0.1", "127.0.0.2");
        assertTrue(sink.offer("a1", "r", "{\"id\":\"a1\"}"));
        Await.until(() -> sink.stats().dropped() == 1, sink::stats);
        assertEquals(1, sink.stats().refused());
        assertTrue(sink.stats().lastError().contains("127.0.0.2 (the address of mixed.invalid) is loopback"),
                sink.stats().lastError());
        assertTrue(hostHeaders.isEmpty(), "nothing was sent");
    }

    @Test
    void aWebhookOfTheConfigurationIsNotChecked() throws Exception {
        int port = receiver();
        Sink sink = Sinks.open(SinkSpec.Webhook.to(URI.create("http://127.0.0.1:" + port + "/")), vertx,
                java.time.Clock.systemUTC(), System.out, Confinement.NONE);
        sinks.add(sink);
        assertTrue(sink.offer("a1", "r", "{\"id\":\"a1\"}"));
        Await.until(() -> sink.stats().delivered() == 1, sink::stats);
    }

    private Sink open(String url, WebhookHosts hosts, String... addresses) {
        WebhookSink sink = new WebhookSink(new SinkSpec.Webhook(URI.create(url), 2_000, 3, 10, 20, 100, 1, Map.of()),
                vertx, hosts, host -> {
                    lookups.incrementAndGet();
                    InetAddress[] resolved = new InetAddress[addresses.length];
                    for (int i = 0; i < addresses.length; i++) {
                        resolved[i] = InetAddress.getByName(addresses[i]);
                    }
                    if (!host.endsWith(".invalid")) {
                        throw new UnknownHostException(host);
                    }
                    return resolved;
                });
        sinks.add(sink);
        return sink;
    }

    private int receiver() throws Exception {
        HttpServer server = Await.result(vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    hostHeaders.put(request.getHeader("Idempotency-Key"), request.getHeader("Host"));
                    request.response().setStatusCode(200).end();
                }))
                .listen(0, "127.0.0.1"));
        return server.actualPort();
    }
}
