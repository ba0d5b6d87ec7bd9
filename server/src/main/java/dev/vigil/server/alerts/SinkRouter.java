package dev.vigil.server.alerts;

import dev.vigil.connectors.AlertFeed;
import dev.vigil.connectors.Confinement;
import dev.vigil.connectors.LogFollowingSink;
import dev.vigil.connectors.Sink;
import dev.vigil.connectors.SinkDeclaration;
import dev.vigil.connectors.SinkSpec;
import dev.vigil.connectors.SinkStats;
import dev.vigil.connectors.Sinks;
import dev.vigil.nfa.Alert;
import dev.vigil.server.metrics.SinkMeters;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.server.rules.SinkCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each alert to its rule's sinks. Configured sinks are opened at start and live as long as the server;
 * an inline sink ({@code TO webhook '...'}) is opened when the first rule naming it is deployed, shared by every
 * rule that names an equal one, and closed when the last of them goes away. The router follows the running
 * {@link RuleSet} (told by the {@link RuleRegistry} after each change, it binds each rule that came, changed or went
 * since the set it bound last), so rules from the rules folder, the HTTP API and recovery are treated alike. After a
 * {@code PUT}, alerts of the old version still in flight go to the new version's sinks.
 *
 * <p>{@link #deliver} only offers the alert to each sink, which returns at once: a slow or failing sink drops and
 * counts what it cannot queue, and never delays the alert log, subscribers or other sinks.
 *
 * <p>A log-following sink ({@code kafka}, a {@link LogFollowingSink}) reads the alert log itself ({@link AlertFeed}),
 * from where its destination says it stopped; an offer only wakes it. The router tells it which rules send to it
 * after every change, and starts it only once recovery is over ({@link #startFollowing}), so it never judges an alert
 * by the half-replayed rules of a recovery. Which alerts it sends is decided when it reads them: the alerts of a rule
 * undeployed before the sink read them (a broker down for a while) are not sent; those of a redeployed rule go to
 * the sinks of its new version.
 *
 * <p><b>Not thread-safe:</b> confined to the server's event loop, except {@link #close}, which waits for writer
 * threads and so runs on a worker.
 */
public final class SinkRouter {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRouter.class);

    /** An open sink and the rules that send to it. */
    private static final class Open {
        final SinkCatalog.Binding binding;
        final Sink sink;
        /** The rules bound to it now. */
        final Set<String> rules = new LinkedHashSet<>();

        Open(SinkCatalog.Binding binding, Sink sink) {
            this.binding = binding;
            this.sink = sink;
        }
    }

    private final Vertx vertx;
    private final SinkCatalog catalog;
    private final Clock clock;
    private final PrintStream out;
    private final SinkMeters meters;
    private final AlertFeed feed;
    /** Recovery is over: log-following sinks read the log from now on. */
    private boolean following;
    private final Map<String, Open> open = new HashMap<>();            // by sink name
    private final Map<String, List<Open>> byRule = new HashMap<>();    // by rule name
    private RuleRegistry registry;
    /** The rules the sinks are bound for. */
    private RuleSet bound = RuleSet.empty();
    private boolean detached;
    private long offerBugs;

    /**
     * @param out where {@code log} sinks write (the server's standard output)
     * @param feed the alert log, as log-following sinks read it
     */
    public SinkRouter(Vertx vertx, SinkCatalog catalog, Clock clock, PrintStream out, SinkMeters meters,
            AlertFeed feed) {
        this.feed = feed;
        this.vertx = vertx;
        this.catalog = catalog;
        this.clock = clock;
        this.out = out;
        this.meters = meters;
    }

    /**
     * Opens the configured sinks, binds the rules running and follows the registry from now on; on the event loop
     * whose context it is told on.
     */
    public SinkRouter start(RuleRegistry registry) {
        for (SinkDeclaration declaration : catalog.declarations()) {
            openSink(new SinkCatalog.Binding(declaration.name(), declaration.spec(), true));
        }
        this.registry = registry;
        registry.listen(vertx.getOrCreateContext(), this::follow);
        follow();
        return this;
    }

    /** Binds the rules that came, changed or went between the set bound last and the running one. */
    private void follow() {
        RuleSet running = registry.current();
        if (running == bound || detached) {
            return;
        }
        for (DeployedRule before : bound.all()) {
            if (running.get(before.name()) == null) {
                changed(before.name(), null);
            }
        }
        for (DeployedRule after : running.all()) {
            if (bound.get(after.name()) != after) {
                changed(after.name(), after);
            }
        }
        bound = running;
    }

    public SinkCatalog catalog() {
        return catalog;
    }

    /**
     * Recovery is over: binds the rules that run now and starts the log-following sinks, which read the alerts
     * logged since they stopped. On the event loop.
     */
    public void startFollowing() {
        follow();
        following = true;
        for (Open sink : open.values()) {
            if (sink.sink instanceof LogFollowingSink log) {
                log.start();
            }
        }
    }

    /** Offers the alert (rendered as {@code json}) to every sink of its rule; returns at once. */
    void deliver(Alert alert, String json) {
        List<Open> sinks = byRule.get(alert.rule());
        if (sinks == null) {
            return;
        }
        for (int i = 0; i < sinks.size(); i++) {
            try {
                sinks.get(i).sink.offer(alert.id(), alert.rule(), json);
            } catch (RuntimeException bug) {   // one broken sink must not cost the others their alert
                if (offerBugs++ == 0) {   // logged once: a sink failing on every alert would flood the log
                    LOG.error("internal error offering an alert to sink {}: {}", sinks.get(i).binding.name(),
                            bug.toString(), bug);
                }
            }
        }
    }

    /** {@code GET /v1/rules/{name}}: the rule's sinks and their counters (shared sinks count every rule's alerts). */
    public JsonArray status(String rule) {
        JsonArray list = new JsonArray();
        for (Open sink : byRule.getOrDefault(rule, List.of())) {
            SinkStats stats = sink.sink.stats();
            JsonObject status = new JsonObject().put("name", sink.binding.name())
                    .put("type", sink.binding.spec().type())
                    .put("configured", sink.binding.configured()).put("delivered", stats.delivered())
                    .put("failed", stats.failed()).put("retries", stats.retries()).put("dropped", stats.dropped())
                    .put("queued", stats.queued()).put("refused", stats.refused()).put("lastError", stats.lastError());
            String state = sink.sink.state();
            if (state != null) {
                status.put("state", state);
            }
            list.add(status);
        }
        return list;
    }

    /**
     * Takes every open sink away for closing (by name), on the event loop; the caller closes them off it (closing waits for
     * file and log sinks to write what they hold; webhooks drop, and count, what is queued).
     */
    public Map<String, Sink> detachAll() {
        Map<String, Sink> sinks = new java.util.LinkedHashMap<>();
        for (Open sink : open.values()) {
            sinks.put(sink.binding.name(), sink.sink);
        }
        open.clear();
        byRule.clear();
        detached = true;   // the server stops: no rule change opens a sink again
        return sinks;
    }

    /** Binds {@code rule} to the sinks of {@code after}, its new version (null: it went). */
    private void changed(String rule, DeployedRule after) {
        List<Open> previous = byRule.remove(rule);
        if (after != null) {
            List<Open> bound = new ArrayList<>();
            for (SinkCatalog.Binding binding : catalog.bindingsOf(after.rule().source())) {
                Open sink = open.get(binding.name());
                if (sink == null) {
                    sink = openSink(binding);
                }
                sink.rules.add(rule);
                tellRules(sink);
                bound.add(sink);
            }
            if (!bound.isEmpty()) {
                byRule.put(rule, List.copyOf(bound));
            }
        }
        if (previous != null) {
            for (Open sink : previous) {
                if (after == null || !byRule.getOrDefault(rule, List.of()).contains(sink)) {
                    sink.rules.remove(rule);
                    tellRules(sink);
                }
                if (sink.rules.isEmpty() && !sink.binding.configured()) {
                    closeInline(sink);
                }
            }
        }
    }

    private Open openSink(SinkCatalog.Binding binding) {
        SinkSpec spec = binding.spec();
        Open sink = new Open(binding, Sinks.open(binding.name(), spec, vertx, clock, out,
                binding.configured() ? Confinement.NONE : catalog.confinement(), feed));
        open.put(binding.name(), sink);
        meters.register(binding.name(), spec.type(), sink.sink);
        if (following && sink.sink instanceof LogFollowingSink log) {
            log.start();
        }
        return sink;
    }

    /** A log-following sink learns which rules send to it. */
    private static void tellRules(Open sink) {
        if (sink.sink instanceof LogFollowingSink log) {
            log.sendRules(sink.rules);
        }
    }

    /** An inline sink no rule names any more: its meters go, and it closes off the event loop. */
    private void closeInline(Open sink) {
        open.remove(sink.binding.name());
        meters.remove(sink.binding.name());
        vertx.executeBlocking(() -> {
            sink.sink.close();
            return null;
        });
    }
}
