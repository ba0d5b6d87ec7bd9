package dev.vigil.server.http;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.backtest.Backtest;
import dev.vigil.server.backtest.TimeRange;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.log.IngestLogSnapshot;
import dev.vigil.server.metrics.RuleWorkMeters;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.wire.JsonCodec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /v1/backtest}: replays the recorded ingest log through an isolated engine holding a deployed rule (at
 * its deployed version, so alert ids equal the live ones) or new rule text (version 0, which no deployment has), and
 * answers with the alerts they would have produced ({@link Backtest}).
 *
 * <p>Only one backtest runs at a time (another is answered 503 with {@code Retry-After}, counted): a replay reads the
 * whole log and takes a core, which the live shards need more. Each is bounded ({@link ServerConfig.RuleWork}): its
 * text compiles under the server's compile limits, and the replay stops after {@code backtestTimeoutMs} or
 * {@code backtestMaxEvents} events read, answering what it found with {@code truncated} and {@code stoppedBy}; when
 * the client goes away it stops at once. The slot is freed whenever the worker returns, however the backtest ended.
 *
 * <p>A client that accepts {@code application/x-ndjson} is told where the replay is while it runs, and gets the
 * answer as the stream's last line ({@link BacktestProgress}).
 *
 * <p><b>Threading:</b> the handler runs on the event loop and only reads the body and the {@link RuleRegistry};
 * compiling, replaying and rendering run on a worker.
 */
final class BacktestApi {
    /** The version of rules backtested from text: deployments count from 1, so no live alert id is reproduced. */
    static final int CANDIDATE_VERSION = 0;

    private final Vertx vertx;
    private final RuleRegistry registry;
    private final Path dataDir;
    private final int ruleTextLimitBytes;
    private final ServerConfig.RuleWork work;
    private final RuleWorkMeters meters;
    private final AtomicBoolean running = new AtomicBoolean();

    /** @param dataDir the server's data folder, or null when it runs without one (nothing is recorded then) */
    BacktestApi(Vertx vertx, RuleRegistry registry, Path dataDir, int ruleTextLimitBytes, ServerConfig.RuleWork work,
            RuleWorkMeters meters) {
        this.vertx = vertx;
        this.registry = registry;
        this.dataDir = dataDir;
        this.ruleTextLimitBytes = ruleTextLimitBytes;
        this.work = work;
        this.meters = meters;
        meters.backtestRunning(running);
    }

    /** Whether a backtest holds the slot now (for tests: a finished one must have freed it). */
    boolean running() {
        return running.get();
    }

    void post(RoutingContext ctx) {
        if (dataDir == null) {
            Problems.send(ctx, 409, noLog());
            return;
        }
        JsonObject body;
        try {
            body = ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().asJsonObject();
        } catch (RuntimeException notAnObject) {
            body = null;
        }
        if (body == null) {
            Problems.send(ctx, 400, Problems.error("the body must be a JSON object such as {\"rule\": \"big\", "
                    + "\"from\": \"2026-11-21T09:00:00Z\"} or {\"text\": \"RULE ...\"}"
                    + Problems.notJson(ctx.body() == null ? null : ctx.body().asString())));
            return;
        }
        BacktestRequest.Reading reading = BacktestRequest.read(body);
        if (reading instanceof BacktestRequest.Refused refused) {
            Problems.send(ctx, 400, Problems.error(refused.message()).put("field", refused.field()));
            return;
        }
        BacktestRequest request = ((BacktestRequest.Accepted) reading).request();
        List<CompiledRule> deployed = null;
        if (request.rule() != null) {
            DeployedRule rule = registry.current().get(request.rule());
            if (rule == null) {
                Problems.send(ctx, 404, Problems.error("no rule named '" + request.rule() + "'; give its text as "
                        + "'text' to backtest a rule that is not deployed").put("name", request.rule()));
                return;
            }
            deployed = List.of(rule.rule());
        } else if (request.text().getBytes(StandardCharsets.UTF_8).length > ruleTextLimitBytes) {
            int bytes = request.text().getBytes(StandardCharsets.UTF_8).length;   // as for POST /v1/rules
            Problems.send(ctx, 413, Limits.exceeded("rule text of " + bytes + " bytes exceeds the limit of "
                    + ruleTextLimitBytes + " bytes", "ruleTextLimitBytes", ruleTextLimitBytes, bytes));
            return;
        }
        if (!running.compareAndSet(false, true)) {
            meters.backtestBusy();
            ctx.response().putHeader("Retry-After", "1");
            Problems.send(ctx, 503, Problems.error("a backtest is already running; retry when it is done"));
            return;
        }
        List<CompiledRule> rules = deployed;
        AtomicBoolean gone = new AtomicBoolean();
        ctx.response().closeHandler(closed -> gone.set(true));   // the client went away: stop replaying for it
        Backtest.Bounds bounds = new Backtest.Bounds(work.backtestMaxEvents(), work.backtestTimeoutMs(), gone::get);
        BacktestProgress progress = BacktestProgress.asked(ctx) ? new BacktestProgress(ctx, request.range()) : null;
        vertx.executeBlocking(() -> run(request, rules, bounds, progress), false)
                .onComplete(done -> running.set(false))
                .onSuccess(outcome -> {
                    if (progress != null && progress.started()) {
                        progress.end(outcome instanceof Replayed replayed ? replayed.json() : null);
                    } else {
                        answer(ctx, outcome);
                    }
                })
                .onFailure(failed -> {
                    if (progress != null && progress.started()) {
                        progress.fail(failed);
                    } else {
                        ctx.fail(failed);
                    }
                });
    }

    /** What a backtest came to, decided on the worker. */
    private sealed interface Outcome {}

    private record DoesNotCompile(List<Diagnostic> diagnostics) implements Outcome {}

    private record NoRule() implements Outcome {}

    private record NoLog() implements Outcome {}

    private record Replayed(String json) implements Outcome {}

    /**
     * On a worker: compiles the text when there is one, then replays (telling {@code progress}, when asked for, where
     * it is) and renders the answer.
     */
    private Outcome run(BacktestRequest request, List<CompiledRule> deployed, Backtest.Bounds bounds,
            BacktestProgress progress) throws Exception {
        List<CompiledRule> rules = deployed;
        if (rules == null) {
            CompileLimits limits = work.compile();
            CompileResult result = RuleCompiler.compile(RuleRegistry.REQUEST_FILE, request.text(), limits);
            meters.compiled(result);
            if (!result.ok()) {
                return new DoesNotCompile(result.diagnostics());
            }
            if (result.rules().isEmpty()) {
                return new NoRule();
            }
            rules = new ArrayList<>();
            for (CompiledRule rule : result.rules()) {
                rules.add(rule.withVersion(CANDIDATE_VERSION));
            }
        }
        List<Alert> alerts = new ArrayList<>();
        Backtest.Summary summary;
        try (IngestLogSnapshot log = IngestLogSnapshot.ofDataFolder(dataDir)) {
            Backtest backtest = new Backtest(rules, request.range(), request.limit(), bounds, System::nanoTime);
            summary = progress == null ? backtest.run(log, alerts::add)
                    : backtest.run(log, alerts::add, progress::offer, BacktestProgress.EVERY_NANOS);
        } catch (NoSuchFileException missing) {
            return new NoLog();
        }
        if (summary.stoppedBy() != null) {
            meters.backtestStopped(summary.stoppedBy().json());
        }
        return new Replayed(render(rules, request.range(), summary, alerts));
    }

    private static void answer(RoutingContext ctx, Outcome outcome) {
        if (outcome instanceof Replayed replayed) {
            ctx.response().putHeader("Content-Type", "application/json").end(replayed.json());
        } else if (outcome instanceof DoesNotCompile failed) {
            Problems.send(ctx, 400, Problems.diagnostics(failed.diagnostics()));
        } else if (outcome instanceof NoRule) {
            Problems.send(ctx, 400, Problems.error("the text declares no RULE").put("field", "text"));
        } else if (outcome instanceof NoLog) {
            Problems.send(ctx, 409, noLog());
        } else {
            throw new AssertionError(outcome);
        }
    }

    private static JsonObject noLog() {
        return Problems.error("no ingest log to replay: the server runs without a data folder");
    }

    /**
     * The answer: {@code rules} (name and version), {@code from} and {@code to} (epoch ms, null when open), counts,
     * {@code truncated} and {@code stoppedBy} ({@code alerts}, {@code events}, {@code time}, or null when the whole
     * log was replayed), and {@code alerts}, each the alert object subscribers receive, in the order the engine
     * emitted them.
     */
    static String render(List<CompiledRule> rules, TimeRange range, Backtest.Summary summary, List<Alert> alerts) {
        JsonArray names = new JsonArray();
        for (CompiledRule rule : rules) {
            names.add(new JsonObject().put("name", rule.name()).put("version", rule.version()));
        }
        JsonObject head = new JsonObject().put("rules", names)
                .put("from", range.hasFrom() ? range.fromMs() : null)
                .put("to", range.hasTo() ? range.toMs() : null)
                .put("eventsReplayed", summary.eventsReplayed())
                .put("eventsRead", summary.eventsRead())
                .put("openPartialMatches", summary.openPartialMatches())
                .put("truncated", summary.truncated())
                .put("stoppedBy", summary.stoppedBy() == null ? null : summary.stoppedBy().json())
                .put("logPosition", summary.lastPosition());
        String encoded = head.encode();
        StringBuilder json = new StringBuilder(encoded.length() + 16 + alerts.size() * 256)
                .append(encoded, 0, encoded.length() - 1).append(",\"alerts\":[");
        for (int i = 0; i < alerts.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(JsonCodec.alert(alerts.get(i)));   // the JSON a subscriber gets, without a parse and re-render
        }
        return json.append("]}").toString();
    }
}
