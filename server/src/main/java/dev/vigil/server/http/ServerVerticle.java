package dev.vigil.server.http;

import dev.vigil.connectors.Sink;
import dev.vigil.server.alerts.AlertHub;
import dev.vigil.server.alerts.SinkRouter;
import dev.vigil.server.checkpoint.CheckpointStore;
import dev.vigil.server.checkpoint.Checkpointer;
import dev.vigil.server.checkpoint.Recovery;
import dev.vigil.server.log.IngestLogSnapshot;
import dev.vigil.server.checkpoint.Restart;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.log.AlertLog;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.metrics.RuleWorkMeters;
import dev.vigil.server.metrics.ServerMetrics;
import dev.vigil.server.metrics.SinkMeters;
import dev.vigil.server.rules.CompilePool;
import dev.vigil.server.rules.RuleHistory;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleReloader;
import dev.vigil.server.rules.SeenStreams;
import dev.vigil.server.rules.SinkCatalog;
import dev.vigil.server.sequencer.MemoryGuard;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.server.shard.AlertSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP and WebSocket shell: one route per line, each handler translating HTTP into registry updates and
 * ingest calls. Nothing here blocks the event loop: compilation runs on its own pool, the shards are fed with
 * non-blocking offers, alerts arrive through {@link AlertHub}.
 */
public final class ServerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ServerVerticle.class);

    /** The query parameters each route takes (any other is a 400 naming it): most take none. */
    private static final QueryParameters NO_QUERY = QueryParameters.NONE;
    private static final QueryParameters ALERTS_QUERY = QueryParameters.of("since", "after", "limit", "rule",
            "severity", "key").onUpgrade("after", "rule", "severity", "key").repeatable("severity");
    private static final QueryParameters STREAM_QUERY = QueryParameters.of("after", "rule", "severity", "key")
            .repeatable("severity");
    private static final QueryParameters EVENTS_QUERY = QueryParameters.of("source");
    private static final QueryParameters EVENT_SOCKET_QUERY = QueryParameters.of("source").onUpgrade("source");
    private static final QueryParameters NFA_QUERY = QueryParameters.of("format", "counts");
    private static final QueryParameters EXPLAIN_QUERY = QueryParameters.of("key");

    private final ServerConfig config;
    private final RuleRegistry registry;
    private final AlertLog alertLog;
    private final IngestFactory ingests;
    private final SourceFactory sources;
    /** The one wall clock: deploy times, alert times, checkpoint times. */
    private final Clock clock;
    private HttpServer server;
    private SequencerProxy ingest;
    private long memoryTimer = -1;
    private final Start from;
    private volatile boolean ready;
    private Checkpointer checkpointer;
    private RuleReloader reloader;
    private SourceRoutes events;
    private Router router;
    private SinkRouter sinks;
    private AlertHub alerts;
    private CompilePool compiler;
    private ServerMetrics metrics;
    /** How long the start took to restore and replay, once done; 0 when there was nothing to recover. */
    private volatile double recoverySeconds;

    /**
     * What the server starts from: the rules folder's files as loaded ({@code rulesFolder}), or, when
     * {@code recoveryLog} is set, the ingest log to replay after {@code restart} (a checkpoint or savepoint, or null
     * for the whole log), after which the folder's reload starts from the files as the log deployed them; where
     * checkpoints go ({@code checkpoints}, null without a data folder); how the memory guard reads the heap;
     * when the start began ({@link System#nanoTime}), for the recovery time; and the data folder's lock, released
     * last at the stop (null without a data folder).
     */
    public record Start(Map<Path, RuleReloader.WatchedFile> rulesFolder, IngestLog recoveryLog,
            Restart restart, CheckpointStore checkpoints, MemoryGuard.Heap heap, long startedNanos,
            AutoCloseable dataFolder) {}

    /** Builds the shards and their ingest once the verticle's context (where alerts are delivered) exists. */
    public interface IngestFactory {
        SequencerProxy create(AlertSink alerts);
    }

    /**
     * The event sources: the two doors clients come through ({@code POST /v1/events} and the {@code /v1/events}
     * WebSocket), and those that read by themselves (a Kafka consumer), started once recovery has replayed the log
     * and closed first at the stop.
     */
    public record SourceRoutes(Handler<RoutingContext> post, Handler<RoutingContext> socket, List<Reading> reading) {}

    /** A source that reads by itself. */
    public interface Reading extends AutoCloseable {
        void start();

        /** Its name in {@code /ready}: {@code kafka}. */
        String name();

        /** {@code reading}, or why not (not connected, and the cause), for {@code /ready}. */
        String state();

        @Override
        void close();
    }

    /**
     * Builds the event sources once the sequencer exists; {@code malformed} counts refused lines, {@code meters} takes
     * the sources' own meters.
     */
    public interface SourceFactory {
        SourceRoutes create(Vertx vertx, SequencerProxy ingest, IntConsumer malformed, MeterRegistry meters);
    }

    public ServerVerticle(ServerConfig config, RuleRegistry registry, AlertLog alertLog, IngestFactory ingests,
            SourceFactory sources, Start from, Clock clock) {
        this.config = config;
        this.from = from;
        this.clock = clock;
        this.registry = registry;
        this.alertLog = alertLog;
        this.ingests = ingests;
        this.sources = sources;
    }

    @Override
    public Future<?> start() {
        ServerMetrics metrics = new ServerMetrics();
        this.metrics = metrics;
        alerts = new AlertHub(context, alertLog, metrics, clock);
        ingest = ingests.create(alerts);
        metrics.attach(ingest::counters, ingest::routed);
        ingest.registerMeters(metrics.registry());
        metrics.beforeScrape(() -> ingest.sourceLag().refresh(metrics.registry()));
        MemoryGuard memory = new MemoryGuard(config.memory().heapPausePercent(), config.memory().heapResumePercent(),
                from.heap());
        ingest.pauseWhenMemoryIsShort(memory);
        memory.registerMeters(metrics.registry());
        memoryTimer = vertx.setPeriodic(MemoryGuard.CHECK_EVERY_MS, ignored -> {
            if (memory.check(System.nanoTime())) {
                vertx.executeBlocking(() -> {
                    from.heap().collect();
                    return null;
                }, false).onComplete(done -> memory.collected());
            }
        });
        if (from.checkpoints() != null) {
            checkpointer = new Checkpointer(ingest, from.checkpoints(), config.checkpointIntervalMs(), clock,
                    needed -> {
                        List<java.nio.file.Path> deleted = ingest.retainLog(needed).join();   // checkpoint thread
                        if (!deleted.isEmpty()) {
                            LOG.info("ingest log retention deleted {} file(s), the newest {}", deleted.size(),
                                    deleted.get(deleted.size() - 1).getFileName());
                        }
                    });
        }
        if (checkpointer != null) {
            checkpointer.registerMeters(metrics.registry());
        }
        Gauge.builder("vigil.recovery", this, verticle -> verticle.recoverySeconds).baseUnit("seconds")
                .description("How long this start took to read the latest checkpoint, restore it and replay the ingest "
                        + "log after it; 0 when there was nothing to recover")
                .register(metrics.registry());
        ingest.start();
        AlertsApi history = new AlertsApi(alertLog, registry);
        RuleWorkMeters work = new RuleWorkMeters(metrics.registry());
        compiler = new CompilePool(config.ruleWork().compile(), config.ruleWork().compileThreads(), work);
        RulesApi rules = new RulesApi(vertx, registry, ingest, clock, compiler);
        sinks = new SinkRouter(vertx, SinkCatalog.of(config), clock, System.out,
                new SinkMeters(metrics.registry()), alertLog.feed()).start(registry);
        alerts.sendTo(sinks);
        rules.useSinks(sinks);
        registry.seen().registerMeters(metrics.registry());
        registry.seen().reportTo(LoggerFactory.getLogger(SeenStreams.class)::warn);
        SourceRoutes events = sources.create(vertx, ingest, metrics::malformed, metrics.registry());
        this.events = events;
        AllowedMethods allowed = new AllowedMethods();
        Problems problems = new Problems(allowed);
        rules.limitRules(config.maxRules());
        Limits limits = new Limits(config);

        Router router = Router.router(vertx);
        if (config.logs().accessLog()) {
            router.route().handler(AccessLog::handle);   // first: refused requests are logged too
        }
        StrictRequests strict = new StrictRequests(metrics::refused);
        router.route().handler(strict::transferEncoding);
        router.route().handler(new CrossSiteGuard(config.security().allowedOrigins(), !config.tokens().isEmpty(),
                metrics::refused)::handle);
        Handler<RoutingContext> cors = Cors.of(config.security().allowedOrigins());
        if (cors != null) {
            router.route().handler(cors);   // answers preflights, which carry no token
        }
        router.route().handler(new Authenticator(config.tokens())::handle);
        router.route().handler(allowed::options);   // not router.options(): that would make every path's GET a 405
        router.get("/health").handler(ctx -> json(ctx, new JsonObject().put("status", "up")));
        router.get("/ready").handler(this::ready);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        WebConsole console = WebConsole.load();
        router.get("/").handler(console::page);
        router.get("/console/:file").handler(console::file);
        router.get("/v1/alerts").handler(ALERTS_QUERY).handler(ctx -> subscribe(ctx, alerts, history));
        router.get("/v1/events").handler(EVENT_SOCKET_QUERY).handler(events.socket());
        router.route("/v1/*").handler(ServerVerticle::formBodyAsText);
        router.route("/v1/*").handler(strict::contentEncoding);
        router.route("/v1/*").handler(strict::multipart);
        router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()));
        router.route("/v1/*").handler(strict::utf8Body);
        router.route("/v1/rules*").method(HttpMethod.POST).method(HttpMethod.PUT).handler(limits::ruleText);
        router.post("/v1/rules/validate").handler(NO_QUERY).handler(rules::validate);
        router.post("/v1/rules/test").handler(NO_QUERY).handler(rules::test);
        router.post("/v1/rules").handler(NO_QUERY).handler(rules::create);
        router.get("/v1/rules").handler(NO_QUERY).handler(rules::list);
        router.get("/v1/rules/:name").handler(NO_QUERY).handler(rules::get);
        router.put("/v1/rules/:name").handler(NO_QUERY).handler(rules::replace);
        router.delete("/v1/rules/:name").handler(NO_QUERY).handler(rules::delete);
        RuleHistory ruleVersions = new RuleHistory(clock);
        ruleVersions.drainOn(task -> context.runOnContext(ignored -> task.run()));   // off the sequencer's thread
        ruleVersions.registerMeters(metrics.registry());
        VersionsApi versions = new VersionsApi(registry, ruleVersions);
        router.get("/v1/rules/:name/versions").handler(NO_QUERY).handler(versions::list);
        router.get("/v1/rules/:name/versions/:version").handler(NO_QUERY).handler(versions::get);
        router.post("/v1/events").handler(EVENTS_QUERY).handler(events.post());
        router.get("/v1/producers/:id").handler(NO_QUERY).handler(new ProducersApi(vertx, ingest)::get);
        router.get("/v1/alerts/stream").handler(STREAM_QUERY).handler(ctx -> AlertStream.open(ctx, alerts, history));
        ShardQuestions questions = new ShardQuestions(vertx, ingest.shards());
        router.get("/v1/rules/:name/nfa").handler(NFA_QUERY).handler(new NfaApi(registry, questions)::get);
        router.get("/v1/rules/:name/keys/:key").handler(NO_QUERY).handler(new KeysApi(registry, questions)::get);
        router.post("/v1/rules/:name/explain").handler(EXPLAIN_QUERY)
                .handler(new ExplainApi(vertx, registry, questions, config.dataDir(), metrics.registry())::post);
        router.post("/v1/backtest").handler(NO_QUERY).handler(new BacktestApi(vertx, registry, config.dataDir(),
                config.ruleTextLimitBytes(), config.ruleWork(), work)::post);
        router.get("/v1/openapi").handler(NO_QUERY).handler(OpenApi.load()::serve);
        SavepointsApi savepoints = new SavepointsApi(vertx, from.checkpoints(), checkpointer);
        router.post("/v1/savepoints").handler(NO_QUERY).handler(savepoints::create);
        router.get("/v1/savepoints").handler(NO_QUERY).handler(savepoints::list);
        router.get("/v1/savepoints/:name").handler(NO_QUERY).handler(savepoints::get);
        router.delete("/v1/savepoints/:name").handler(NO_QUERY).handler(savepoints::delete);
        router.get("/v1/checkpoints").handler(NO_QUERY).handler(savepoints::checkpoints);
        this.router = router;
        allowed.learn(router.getRoutes());
        router.route().failureHandler(problems::render);
        router.errorHandler(404, problems::render);
        router.errorHandler(405, problems::render);
        router.errorHandler(413, problems::render);
        router.errorHandler(500, problems::render);

        // No HTTP/2 upgrade over clear text: the API is HTTP/1.1 and WebSocket, and a client asking for h2c
        // (java.net.http does by default) could stall on large responses. No WebSocket extension (compression) is
        // negotiated, so a frame with a reserved bit set is a protocol error (RFC 6455, 5.2): close 1002.
        HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
                .setHttp2ClearTextEnabled(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(config.frameLimitBytes())
                .setMaxWebSocketMessageSize(config.frameLimitBytes());
        if (config.tls() != null) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(config.tls().certificate().toString())
                    .setKeyPath(config.tls().key().toString()));
        }
        server = vertx.createHttpServer(options).requestHandler(router);
        Future<Map<Path, RuleReloader.WatchedFile>> rulesReady = from.recoveryLog() == null
                ? Future.succeededFuture(from.rulesFolder())
                : vertx.executeBlocking(() -> {
                    Map<Path, RuleReloader.WatchedFile> replayed = new Recovery(from.recoveryLog(), ingest, registry,
                            from.restart(), config.ruleWork().compile()).replay();
                    recoverySeconds = (System.nanoTime() - from.startedNanos()) / 1e9;
                    return replayed;
                });
        return rulesReady.compose(watchedFiles -> {
            // only now: idleness is decided by the clock, and a replay must give the shards only what the log holds
            ingest.goLive();
            keepHistory(ruleVersions);   // before any change can be asked for: the reloader's, the API's
            sinks.startFollowing();   // after the replay: kafka sinks judge alerts by the rules that run
            if (checkpointer != null) {
                checkpointer.start();   // after the replay: a checkpoint cuts what the log says
            }
            events.reading().forEach(Reading::start);   // after the replay: they resume where the log stops
            if (watchedFiles != null && config.rulesDir() != null) {
                reloader = new RuleReloader(vertx, config.rulesDir(), registry, ingest, clock,
                        watchedFiles, sinks.catalog()).limitRules(config.maxRules())
                        .compileWith(config.ruleWork().compile(), work).start();
            }
            return server.listen();
        }).onSuccess(listening -> ready = true);
    }

    /**
     * Makes the registry note every rule change in {@code history} from now on, and reads the ingest log's earlier
     * changes into it on a worker (the server does not wait: the versions API does).
     */
    private void keepHistory(RuleHistory history) {
        registry.keepHistory(history, from.restart() != null);
        if (config.dataDir() == null || !config.durability().logs()) {
            history.noLog();
            return;
        }
        vertx.executeBlocking(() -> {
            try (IngestLogSnapshot log = IngestLogSnapshot.ofDataFolder(config.dataDir())) {
                history.load(log, config.ruleWork().compile());
            } catch (java.nio.file.NoSuchFileException none) {
                history.noLog();
            }
            return null;
        }, false).onFailure(failed -> {
            LOG.warn("the rules' version history could not read the ingest log; it starts now: {}", failed.toString());
            history.noLog();
        });
    }

    @Override
    public Future<?> stop() {
        ready = false;
        alerts.stopping();
        if (reloader != null) {
            reloader.stop();
        }
        if (compiler != null) {
            compiler.close();
        }
        vertx.cancelTimer(memoryTimer);
        // Shards finish what they hold, their last alerts are pushed (log, subscribers, sinks), then sinks close. Each
        // step goes on whatever the one before it threw: every sink and both logs are closed, failures reported.
        List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        return vertx.executeBlocking(() -> {
            for (Reading reading : events.reading()) {
                attempt("closing a source", reading::close, failures);
            }
            if (checkpointer != null) {
                attempt("closing the checkpointer", checkpointer::close, failures);
            }
            attempt("stopping the sequencer and the shards", ingest::stop, failures);
            return null;
        }).compose(stopped -> alerts.whenPushed(vertx)).transform(pushed -> {
            if (pushed.failed()) {
                failures.add("pushing the last alerts: " + pushed.cause());
            }
            Map<String, Sink> closing = sinks.detachAll();
            return vertx.executeBlocking(() -> {
                for (Map.Entry<String, Sink> sink : closing.entrySet()) {
                    attempt("closing sink '" + sink.getKey() + "'", sink.getValue()::close, failures);
                }
                attempt("closing the alert log", alertLog::close, failures);
                attempt("closing the ingest log", ingest::closeLog, failures);
                if (from.dataFolder() != null) {
                    attempt("releasing the data folder", from.dataFolder()::close, failures);
                }
                metrics.close();
                if (!failures.isEmpty()) {
                    throw new IllegalStateException(failures.size() + " step(s) of the stop failed: "
                            + String.join("; ", failures));
                }
                return null;
            });
        });
    }

    /** Runs one step of the stop; a failure is logged (one line) and collected, and the stop goes on. */
    private void attempt(String step, Step action, List<String> failures) {
        try {
            action.run();
        } catch (Exception | Error failed) {   // whatever one step throws, the next ones still run
            String said = step + " failed: " + failed;
            failures.add(said);
            LOG.warn(said);
        }
    }

    /** A step of the stop. */
    private interface Step {
        void run() throws Exception;
    }

    public Checkpointer checkpointer() {
        return checkpointer;
    }

    public int actualPort() {
        return server.actualPort();
    }

    public SequencerProxy ingest() {
        return ingest;
    }

    /** The router's routes, for the test that checks the OpenAPI file describes each. */
    public List<Route> routes() {
        return router.getRoutes();
    }

    /**
     * {@code GET /ready}: 200 once the rules are loaded and every shard runs; 503 before, while stopping, after, while
     * ingestion is paused (the ingest log refuses batches: the data folder below its free-space reserve, or its disk
     * full; or the heap is nearly full), while the alert log refuses alerts, and while a shard is stuck on one
     * command (longer than {@code stuckShardAfter}), with that reason.
     */
    private void ready(RoutingContext ctx) {
        String paused = ingest.refusal();
        if (paused == null) {
            paused = ingest.memoryPressure();
        }
        if (paused == null) {
            paused = alerts.refusal();
        }
        String stuck = ingest.stuckShards();
        boolean up = ready && ingest.running() && paused == null && stuck == null;
        JsonObject body = new JsonObject().put("status", up ? "ready" : "not ready");
        if (paused != null || stuck != null) {
            body.put("reason", paused == null ? stuck : stuck == null ? paused : paused + "; " + stuck);
        }
        if (events != null && !events.reading().isEmpty()) {
            // said, not judged: a source that cannot reach its cluster does not take the HTTP API out of service
            JsonObject sources = new JsonObject();
            for (Reading reading : events.reading()) {
                sources.put(reading.name(), reading.state());
            }
            body.put("sources", sources);
        }
        ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    /** A WebSocket upgrade subscribes to live alerts; a plain GET reads the alert history. */
    private static void subscribe(RoutingContext ctx, AlertHub alerts, AlertsApi history) {
        if (!ctx.request().canUpgradeToWebSocket()) {
            history.history(ctx);
            return;
        }
        AlertsApi.Subscription subscription = history.subscription(ctx);
        if (subscription != null) {
            ctx.request().toWebSocket().onSuccess(socket -> {
                AccessLog.upgraded(ctx);
                if (subscription.warning() != null) {
                    socket.writeTextMessage(subscription.warningJson().encode());   // before any alert
                }
                alerts.subscribe(socket, subscription.filter(), subscription.after());
            });
        }
    }

    /**
     * {@code curl --data-binary} labels rule text and NDJSON as a form; the API never takes forms, so such a body
     * is read as text instead of being decoded as form fields (which Vert.x bounds to 1 KiB).
     */
    private static void formBodyAsText(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            ctx.request().headers().set("Content-Type", "text/plain; charset=utf-8");
        }
        ctx.next();
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }
}
