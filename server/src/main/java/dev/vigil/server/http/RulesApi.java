package dev.vigil.server.http;

import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineCounters;
import dev.vigil.nfa.RuleCounters;
import dev.vigil.ruletest.RuleTests;
import dev.vigil.ruletest.TestReport;
import dev.vigil.ruletest.TestResult;
import dev.vigil.server.alerts.SinkRouter;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.log.IngestLog;
import dev.vigil.server.rules.CompilePool;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleAudit;
import dev.vigil.server.rules.RuleChangeGate;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.server.rules.RuleWarnings;
import dev.vigil.server.rules.SinkCatalog;
import dev.vigil.server.rules.StreamConflict;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.server.sequencer.SequencerProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/rules}: compiles rule text on the {@link CompilePool} (under the server's compile limits; 503 with
 * {@code Retry-After} when every compiler is busy), then, back on the event loop, checks names, numbers the
 * versions, submits the change to every shard and records it in the {@link RuleRegistry}. The registry changes
 * only when the shards accepted the command, so what {@code GET} shows is what runs (or is queued to run). No lock
 * is held while compiling.
 *
 * <p>A deploy ({@code POST}, {@code PUT}) runs the text's tests first ({@code TEST} blocks, {@link RuleTests}) and
 * is refused with 422 and their differences when one does not pass; {@code POST /v1/rules/test} runs them alone.
 *
 * <p>A text is checked against the streams the server knows: where it does not declare a stream, against the
 * declaration in force (an unknown field, or a stream named like a declared one, is a diagnostic); where nobody
 * declares it, the answer, the rule's status and the log warn of what no event has had ({@link RuleWarnings}).
 *
 * <p><b>Threading:</b> handlers run on the server's event loop; only the compile runs on a pool thread.
 */
public final class RulesApi {
    private static final Logger LOG = LoggerFactory.getLogger(RulesApi.class);

    private final Vertx vertx;
    private final RuleRegistry registry;
    private final SequencerProxy ingest;
    private final Clock clock;
    private final CompilePool compiler;
    private int maxRules = ServerConfig.DEFAULT_MAX_RULES;
    private SinkRouter sinks;

    RulesApi(Vertx vertx, RuleRegistry registry, SequencerProxy ingest, Clock clock, CompilePool compiler) {
        this.vertx = vertx;
        this.registry = registry;
        this.ingest = ingest;
        this.clock = clock;
        this.compiler = compiler;
    }

    /**
     * {@code POST /v1/rules}: deploys every rule of the text; 409 when any name is taken or a stream is declared
     * differently by running rules, deploying none.
     */
    void create(RoutingContext ctx) {
        withCompiled(ctx, List.of(), (source, compiled) -> passing(ctx, source, compiled.result(), () -> change(ctx,
                () -> checkedAgain(ctx, source, compiled, List.of(), result -> deployNew(ctx, source, result)))));
    }

    /** Deploys the rules of a compiled text, or answers why not (409, 422, 503). */
    private Future<?> deployNew(RoutingContext ctx, String source, CompileResult result) {
        RuleSet running = registry.current();
        Set<String> names = new HashSet<>();
        for (CompiledRule rule : result.rules()) {
            if (running.get(rule.name()) != null || !names.add(rule.name())) {
                Problems.send(ctx, 409, Problems.error("rule '" + rule.name() + "' already exists; use PUT "
                        + "/v1/rules/" + rule.name() + " to replace it").put("name", rule.name()));
                return null;
            }
        }
        if (conflicting(ctx, running, result, List.of())) {
            return null;
        }
        if (running.size() + names.size() > maxRules) {
            Problems.send(ctx, 422, Limits.exceeded("deploying " + names.size() + " rule(s) would exceed the "
                    + "limit of " + maxRules + " rules per server; delete rules first", "maxRules", maxRules,
                    running.size() + names.size()));
            return null;
        }
        List<CompiledRule> versioned = new ArrayList<>();
        for (CompiledRule rule : result.rules()) {
            versioned.add(rule.withVersion(running.nextVersion(rule.name())));
        }
        return deploy(ctx, running, versioned, result, source).onSuccess(deployed -> {
            if (deployed) {
                send(ctx, 201, summaries(versioned, deployedWarnings(versioned)));
            }
        });
    }

    /**
     * Runs a rule change once the changes before it are done ({@link RuleRegistry#change}); 503 when too many wait.
     */
    private void change(RoutingContext ctx, Supplier<Future<?>> change) {
        if (!registry.change(change)) {
            refuse(ctx, "too many rule changes are waiting (" + RuleChangeGate.MAX_WAITING
                    + "); retry later");
        }
    }

    /** Sets how many rules the server runs at most; a {@code POST} beyond it deploys nothing and answers 422. */
    void limitRules(int max) {
        maxRules = max;
    }

    /** Refuses rules whose {@code TO} names an unconfigured sink, and shows each rule's sinks in its status. */
    void useSinks(SinkRouter router) {
        sinks = router;
    }

    /** {@code PUT /v1/rules/{name}}: the text must define exactly that rule; it replaces the running version. */
    void replace(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (registry.current().get(name) == null) {
            Problems.send(ctx, 404, Problems.error("no rule named '" + name + "'").put("name", name));
            return;
        }
        withCompiled(ctx, List.of(name), (source, compiled) -> passing(ctx, source, compiled.result(), () -> change(
                ctx, () -> checkedAgain(ctx, source, compiled, List.of(name), result -> replaceWith(ctx, name, source,
                        result)))));
    }

    /** Replaces rule {@code name} with the compiled text's one rule, or answers why not (400, 404, 409, 503). */
    private Future<?> replaceWith(RoutingContext ctx, String name, String source, CompileResult result) {
        if (result.rules().size() != 1 || !result.rules().get(0).name().equals(name)) {
            List<String> found = new ArrayList<>();
            result.rules().forEach(rule -> found.add(rule.name()));
            Problems.send(ctx, 400, Problems.error("the body of PUT /v1/rules/" + name
                    + " must define exactly the rule '" + name + "'").put("rules", new JsonArray(found)));
            return null;
        }
        RuleSet running = registry.current();
        if (running.get(name) == null) {
            Problems.send(ctx, 404, Problems.error("no rule named '" + name + "'").put("name", name));
            return null;
        }
        if (conflicting(ctx, running, result, List.of(name))) {
            return null;
        }
        CompiledRule rule = result.rules().get(0).withVersion(running.nextVersion(name));
        return deploy(ctx, running, List.of(rule), result, source).onSuccess(deployed -> {
            if (deployed) {
                send(ctx, 200, summary(rule).put("warnings", new JsonArray(deployedWarnings(List.of(rule))
                        .get(0))));
            }
        });
    }

    /**
     * {@code POST /v1/rules/validate}: compiles without deploying, checking the streams the text does not declare
     * against the running rules' declarations, and warns as a deployment would.
     */
    void validate(RoutingContext ctx) {
        withCompiled(ctx, List.of(), (source, compiled) -> {
            Set<String> declared = new HashSet<>();
            compiled.result().streams().forEach(stream -> declared.add(stream.name()));
            compiled.known().forEach(stream -> declared.add(stream.name()));
            List<List<String>> warnings = new ArrayList<>();
            for (CompiledRule rule : compiled.result().rules()) {
                warnings.add(RuleWarnings.of(rule.source(), declared::contains, registry.seen()));
            }
            send(ctx, 200, summaries(compiled.result().rules(), warnings));
        });
    }

    /**
     * {@code POST /v1/rules/test}: compiles the text as {@code validate} does and runs its tests
     * ({@link RuleTests}, under the server's bounds, on the compile pool); 200 with each test's result, passed or not.
     */
    void test(RoutingContext ctx) {
        withCompiled(ctx, List.of(), (source, compiled) -> tested(ctx, source, compiled.result()).onSuccess(report -> {
            if (report != null) {
                send(ctx, 200, tests(report));
            }
        }));
    }

    /**
     * The deploy gate of {@code POST} and {@code PUT}: runs the text's tests and then {@code deploy} when they pass;
     * otherwise answers 422 with the results (the differences of those that failed), deploying nothing.
     */
    private void passing(RoutingContext ctx, String source, CompileResult result, Runnable deploy) {
        tested(ctx, source, result).onSuccess(report -> {
            if (report == null) {
                return;
            }
            if (report.passed()) {
                deploy.run();
                return;
            }
            Problems.send(ctx, 422, tests(report).put("error", report.refused() != null ? "the rule file's tests "
                    + "were not run: " + report.refused() + "; nothing deployed" : "the rule file's tests do not pass ("
                    + report.summary() + "); nothing deployed"));
        });
    }

    /** Runs the tests of {@code source} on the compile pool; null after answering 503 when it is busy. */
    private Future<TestReport> tested(RoutingContext ctx, String source, CompileResult result) {
        return compiler.run(vertx.getOrCreateContext(), () -> RuleTests.run(source, result, RuleTests.Bounds.SERVER))
                .recover(failed -> unavailable(ctx, failed));
    }

    /** The results of a text's tests as JSON: whether all passed, the counts, and each test with its differences. */
    private static JsonObject tests(TestReport report) {
        JsonArray tests = new JsonArray();
        for (TestResult test : report.tests()) {
            tests.add(new JsonObject().put("name", test.name()).put("line", test.line()).put("column", test.column())
                    .put("status", test.status().word()).put("events", test.events()).put("alerts", test.alerts())
                    .put("diff", new JsonArray(test.diff())));
        }
        JsonObject json = new JsonObject().put("passed", report.passed()).put("summary", report.summary())
                .put("tests", tests);
        return report.refused() == null ? json : json.put("refused", report.refused());
    }

    /** A text compiled against the declarations that were in force (for the rules it would not replace). */
    private record Compiled(CompileResult result, List<StreamDecl> known) {}

    /**
     * Reads the request's rule text, compiles it on a worker, checking the streams it does not declare against the
     * declarations in force that rules other than {@code replacing} hold, and, back on the event loop, hands text and
     * result to {@code then} when the text compiled to at least one rule; otherwise answers 400 with the diagnostics.
     */
    private void withCompiled(RoutingContext ctx, List<String> replacing, BiConsumer<String, Compiled> then) {
        String source = source(ctx);
        if (source == null) {
            return;
        }
        List<StreamDecl> known = registry.current().declarations(replacing);
        compiled(ctx, source, known).onSuccess(result -> {
            if (result != null) {
                then.accept(source, new Compiled(result, known));
            }
        });
    }

    /**
     * Compiles {@code source} against {@code known}; completes with the result when it can be used, else with null
     * after answering (400 with the diagnostics, 503 when every compiler is busy).
     */
    private Future<CompileResult> compiled(RoutingContext ctx, String source, List<StreamDecl> known) {
        return compile(source, known).map(result -> checkCompiled(ctx, result) ? result : null)
                .recover(failed -> unavailable(ctx, failed));
    }

    /** Answers a failed pool job: 503 with {@code Retry-After} when the pool was busy; completes with null. */
    private static <T> Future<T> unavailable(RoutingContext ctx, Throwable failed) {
        if (failed instanceof CompilePool.Busy) {
            ctx.response().putHeader("Retry-After", "1");
            Problems.send(ctx, 503, Problems.error("every rule compiler is busy; retry later"));
        } else {
            ctx.fail(failed);
        }
        return Future.succeededFuture(null);
    }

    /**
     * Runs {@code then} with the compiled text, once it is known to have been checked against the declarations in
     * force now: they may have changed while it compiled (another change deployed or dropped one); then it is
     * compiled again first, within the change, so no other change comes between.
     */
    private Future<?> checkedAgain(RoutingContext ctx, String source, Compiled compiled, List<String> replacing,
            Function<CompileResult, Future<?>> then) {
        List<StreamDecl> now = registry.current().declarations(replacing);
        if (now.equals(compiled.known())) {
            return then.apply(compiled.result());
        }
        return compiled(ctx, source, now).compose(result -> {
            Future<?> done = result == null ? null : then.apply(result);
            if (done == null) {
                return Future.<Void>succeededFuture();
            }
            return done.<Void>mapEmpty();
        });
    }

    /** The warnings about each of {@code rules}, now deployed, in order; each also goes to the log. */
    private List<List<String>> deployedWarnings(List<CompiledRule> rules) {
        RuleSet running = registry.current();
        List<List<String>> all = new ArrayList<>();
        for (CompiledRule rule : rules) {
            List<String> warnings = RuleWarnings.of(rule.source(), stream -> running.declaration(stream) != null,
                    registry.seen());
            for (String warning : warnings) {
                LOG.warn("rule '{}' version {}: warning: {}", rule.name(), rule.version(), warning);
            }
            all.add(warnings);
        }
        return all;
    }

    /** The warnings about a running rule now (they go as events arrive). */
    private List<String> warnings(DeployedRule rule, RuleSet running) {
        return RuleWarnings.of(rule.rule().source(), stream -> running.declaration(stream) != null, registry.seen());
    }

    void list(RoutingContext ctx) {
        JsonArray rules = new JsonArray();
        EngineCounters counters = ingest.counters();
        RuleSet running = registry.current();
        for (DeployedRule rule : running.all()) {
            rules.add(summary(rule.rule()).put("warnings", new JsonArray(warnings(rule, running)))
                    .put("deployedAt", rule.deployedAt().toString()).put("counters", counters(rule.rule(), counters)));
        }
        send(ctx, 200, rules.encode());
    }

    void get(RoutingContext ctx) {
        RuleSet running = registry.current();
        DeployedRule rule = running.get(ctx.pathParam("name"));
        if (rule == null) {
            Problems.send(ctx, 404, Problems.error("no rule named '" + ctx.pathParam("name") + "'")
                    .put("name", ctx.pathParam("name")));
            return;
        }
        send(ctx, 200, summary(rule.rule()).put("warnings", new JsonArray(warnings(rule, running)))
                .put("deployedAt", rule.deployedAt().toString())
                .put("counters", counters(rule.rule(), ingest.counters())).put("source", rule.source())
                .put("sinks", sinks == null ? new JsonArray() : sinks.status(rule.name())).encode());
    }

    void delete(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (registry.current().get(name) == null) {
            Problems.send(ctx, 404, Problems.error("no rule named '" + name + "'").put("name", name));
            return;
        }
        change(ctx, () -> {
            RuleSet running = registry.current();
            if (running.get(name) == null) {   // deleted while this change waited
                Problems.send(ctx, 404, Problems.error("no rule named '" + name + "'").put("name", name));
                return null;
            }
            return ingest.undeploy(running.undeploy(name), name).onSuccess(refused -> {
                if (refused != null) {
                    refuse(ctx, refused);
                    return;
                }
                RuleAudit.undeployed(List.of(name), by(ctx));
                ctx.response().setStatusCode(204).end();
            });
        });
    }

    /** Answers 503 with Retry-After: a shard's queue is full. */
    public static void busy(RoutingContext ctx) {
        refuse(ctx, Ingest.BUSY);
    }

    /** Answers 503 with Retry-After and why the change was not made (a full queue, an ingest log that refuses). */
    static void refuse(RoutingContext ctx, String why) {
        ctx.response().putHeader("Retry-After", "1");
        Problems.send(ctx, 503, Problems.error(why));
    }

    /**
     * Deploys {@code rules} over {@code running}; completes with false after answering 503 when not deployed. The
     * sequencer makes the new set the running one.
     */
    private Future<Boolean> deploy(RoutingContext ctx, RuleSet running, List<CompiledRule> rules,
            CompileResult result, String source) {
        java.time.Instant now = clock.instant();
        List<DeployedRule> deployed = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (CompiledRule rule : rules) {
            deployed.add(new DeployedRule(rule, IngestLog.HTTP, source, now));
            names.add(rule.name());
        }
        RuleSet next = running.deploy(
                new RuleSet.Declarations(result.streams(), names, RuleRegistry.REQUEST_FILE), deployed);
        return ingest.deploy(next, deployed).map(refused -> {
            if (refused != null) {
                refuse(ctx, refused);
                return false;
            }
            for (CompiledRule rule : rules) {
                RuleAudit.deployed(rule.name(), rule.version(), by(ctx));
            }
            return true;
        });
    }

    /** Who changes rules with this request, for the audit trail: the token's role and the client's address. */
    private static String by(RoutingContext ctx) {
        return "HTTP " + ctx.request().method() + " " + ctx.request().path() + " (token role "
                + Authenticator.role(ctx) + ", from " + ctx.request().remoteAddress() + ")";
    }

    /**
     * Answers 409 when the text declares a stream differently from the declaration in force, which rules other
     * than {@code replacing} hold: the error names them, the stream and the line of the declaration.
     */
    private boolean conflicting(RoutingContext ctx, RuleSet running, CompileResult result, List<String> replacing) {
        List<StreamConflict> conflicts = running.conflicts(result.streams(), replacing);
        if (conflicts.isEmpty()) {
            return false;
        }
        StreamConflict first = conflicts.get(0);
        Problems.send(ctx, 409, Problems.error(first.message()).put("stream", first.declared().name())
                .put("rules", new JsonArray(first.holders())).put("line", first.declared().span().line())
                .put("column", first.declared().span().column()));
        return true;
    }

    private Future<CompileResult> compile(String source, List<StreamDecl> known) {
        SinkCatalog catalog = sinks == null ? new SinkCatalog(List.of(), null) : sinks.catalog();
        return compiler.compile(vertx.getOrCreateContext(), RuleRegistry.REQUEST_FILE, source, known,
                result -> catalog.check(RuleRegistry.REQUEST_FILE, source, result));
    }

    /** Sends 400 with the diagnostics, or for text without rules; true when the result can be used. */
    private static boolean checkCompiled(RoutingContext ctx, CompileResult result) {
        if (!result.ok()) {
            Problems.send(ctx, 400, Problems.diagnostics(result.diagnostics()));
            return false;
        }
        if (result.rules().isEmpty() && !result.streams().isEmpty()) {
            Problems.send(ctx, 400, Problems.error("the text declares streams but no RULE: a STREAM declaration is "
                    + "held by the rules deployed with it, so send it together with a rule that reads the stream "
                    + "(or put it in a file of the rules folder with one)"));
            return false;
        }
        if (result.rules().isEmpty()) {
            Problems.send(ctx, 400, Problems.error("the text declares no RULE"));
            return false;
        }
        return true;
    }

    /**
     * The rule text of a request: the body as it is, or the {@code source} field when the body is JSON. Sends
     * 400 and returns null when a JSON body has no string {@code source}.
     */
    private static String source(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
        if (contentType == null || !contentType.toLowerCase().contains("json")) {
            return body;
        }
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (RuntimeException notAnObject) {
            Problems.send(ctx, 400, Problems.error("a JSON body must be an object {\"source\": \"rule text\"}"
                    + Problems.notJson(body)));
            return null;
        }
        if (!(json.getValue("source") instanceof String source)) {
            Problems.send(ctx, 400, Problems.error("a JSON body needs a string field 'source' with the rule text"));
            return null;
        }
        return source;
    }

    /**
     * One rule's summary for a single rule, a JSON array for several (a file may declare several rules), each with
     * its warnings.
     */
    private static String summaries(List<CompiledRule> rules, List<List<String>> warnings) {
        JsonArray list = new JsonArray();
        for (int i = 0; i < rules.size(); i++) {
            list.add(summary(rules.get(i)).put("warnings", new JsonArray(warnings.get(i))));
        }
        return rules.size() == 1 ? list.getJsonObject(0).encode() : list.encode();
    }

    private static JsonObject summary(CompiledRule rule) {
        JsonArray partitionBy = new JsonArray();
        for (List<String> path : rule.partitionBy()) {
            partitionBy.add(String.join(".", path));
        }
        return new JsonObject().put("name", rule.name()).put("version", rule.version())
                .put("streams", new JsonArray(rule.streams())).put("partitionBy", partitionBy)
                .put("severity", rule.severity());
    }

    /**
     * A rule's counters summed over the shards' latest snapshots (zeros until they have run the rule), plus the late
     * events of the streams it reads. After a {@code PUT} they count from the new version's deployment, unless it
     * kept the old version's partial matches (the engine's replacement policy): then they go on.
     */
    private static JsonObject counters(CompiledRule rule, EngineCounters engine) {
        RuleCounters found = null;
        for (RuleCounters candidate : engine.rules()) {
            if (candidate.rule().equals(rule.name())) {
                found = candidate;
            }
        }
        JsonObject late = new JsonObject();
        for (String stream : rule.streams()) {
            late.put(stream, engine.lateByStream().getOrDefault(stream, 0L));
        }
        return new JsonObject().put("eventsIn", found == null ? 0 : found.eventsIn())
                .put("matches", found == null ? 0 : found.matches())
                .put("timeouts", found == null ? 0 : found.timeouts())
                .put("partialMatches", found == null ? 0 : found.partialMatches())
                .put("keys", found == null ? 0 : found.keys())
                .put("droppedPartialMatches", found == null ? 0 : found.droppedPartialMatches())
                .put("workBoundExceeded", found == null ? 0 : found.workBoundTrips())
                .put("evaluationErrors", found == null ? 0 : found.evaluationErrors())
                .put("evictedKeys", found == null ? 0 : found.evictedKeys())
                .put("partialMatchesDroppedOnReplace", found == null ? 0 : found.partialMatchesDroppedOnReplace())
                .put("suppressedAlerts", found == null ? 0 : found.suppressedAlerts())
                .put("windowEventsEvicted", found == null ? 0 : found.windowEventsEvicted())
                .put("lateEventsByStream", late);
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        send(ctx, status, body.encode());
    }

    private static void send(RoutingContext ctx, int status, String json) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }
}
