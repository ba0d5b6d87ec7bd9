package dev.vigil.server.rules;

import dev.vigil.connectors.Confinement;
import dev.vigil.connectors.SinkDeclaration;
import dev.vigil.connectors.SinkSpec;
import dev.vigil.connectors.WebhookHosts;
import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.SinkRef;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.server.config.ServerConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sinks the server knows: those declared in its configuration, by name, and the rules' inline ones. Answers
 * two questions: may a rule name its sinks ({@link #check}, before a deployment: only configured names, and inline
 * targets the server lets rule text reach), and which sinks does a deployed rule send to ({@link #bindingsOf}).
 *
 * <p>Rule text is written by whoever holds an admin token, the configuration by the operator, so inline sinks are
 * confined ({@link Confinement}, judged by {@link InlineTargets}): a refused target is a diagnostic at its literal,
 * like any other mistake in rule text. Configured sinks go anywhere.
 *
 * <p><b>Thread-safe:</b> immutable; {@link #check} runs on compile workers (it reads the file system to resolve
 * links).
 */
public final class SinkCatalog {
    /** A sink as rules use it: the name metrics and rule status show, and how to open it. */
    public record Binding(String name, SinkSpec spec, boolean configured) {}

    private final Map<String, SinkDeclaration> configured = new LinkedHashMap<>();
    private final Confinement confinement;
    private final InlineTargets inline;
    /** The cluster inline kafka sinks write to. */
    private final ServerConfig.Kafka kafka;

    /**
     * @param sinkFolder where inline file sinks write, under their relative paths; {@code null}: rule text may not
     *     name files
     */
    public SinkCatalog(List<SinkDeclaration> declarations, Path sinkFolder) {
        this(declarations, sinkFolder, WebhookHosts.of(List.of(), List.of()));
    }

    /** @param webhookHosts where inline webhooks may post */
    public SinkCatalog(List<SinkDeclaration> declarations, Path sinkFolder, WebhookHosts webhookHosts) {
        this(declarations, sinkFolder, webhookHosts, ServerConfig.Kafka.NONE);
    }

    /** @param kafka the cluster inline kafka sinks write to ({@link ServerConfig.Kafka#NONE}: rules name none) */
    public SinkCatalog(List<SinkDeclaration> declarations, Path sinkFolder, WebhookHosts webhookHosts,
            ServerConfig.Kafka kafka) {
        this.kafka = kafka;
        for (SinkDeclaration declaration : declarations) {
            configured.put(declaration.name(), declaration);
        }
        this.confinement = new Confinement(sinkFolder == null ? null : sinkFolder.toAbsolutePath().normalize(),
                webhookHosts);
        this.inline = new InlineTargets(confinement);
    }

    public static SinkCatalog of(ServerConfig config) {
        ServerConfig.Security security = config.security();
        return new SinkCatalog(config.sinks(), security.sinkFolder(config.dataDir()), security.webhookHosts(),
                config.kafka());
    }

    /** What the inline sinks of rules may reach, for opening them. */
    public Confinement confinement() {
        return confinement;
    }

    public List<SinkDeclaration> declarations() {
        return List.copyOf(configured.values());
    }

    /**
     * {@code result} unchanged when every {@code TO} name is configured; otherwise a failed result whose
     * diagnostics point at each unknown name, like any other mistake in the rule text.
     */
    public CompileResult check(String file, String text, CompileResult result) {
        if (!result.ok()) {
            return result;
        }
        Diagnostics diagnostics = new Diagnostics(file, text);
        for (CompiledRule rule : result.rules()) {
            for (SinkRef sink : rule.source().sinks()) {
                if (sink.isNamed() && !configured.containsKey(sink.word())) {
                    diagnostics.error(sink.span(), unknown(sink.word()));
                } else if (sink.target() != null && sink.word().equals(SinkRef.KAFKA)
                        && kafka.bootstrapServers() == null) {
                    diagnostics.error(InlineTargets.literal(text, sink), "kafka topic '" + sink.target() + "' has no "
                            + "cluster to be written to: set kafkaBootstrap (--kafka-bootstrap, "
                            + "VIGIL_KAFKA_BOOTSTRAP), or declare a kafka sink under \"sinks\" in the "
                            + "configuration file and name it");
                } else if (sink.target() != null) {
                    String refusal = inline.refusal(sink);
                    if (refusal != null) {
                        diagnostics.error(InlineTargets.literal(text, sink), refusal);
                    }
                }
            }
        }
        return diagnostics.isEmpty() ? result : new CompileResult(List.of(), result.streams(), diagnostics.sorted());
    }

    private String unknown(String name) {
        if (configured.isEmpty()) {
            return "unknown sink '" + name + "'; no sinks are configured (declare them under \"sinks\" in the "
                    + "configuration file), or write one inline: webhook 'https://...', file 'alerts.ndjson', kafka 'topic', log";
        }
        List<String> close = Suggestions.closest(name, configured.keySet());
        return "unknown sink '" + name + "'; " + (close.isEmpty() ? "" : "did you mean "
                + Suggestions.list(close, "or") + "? ") + "configured sinks are "
                + Suggestions.list(configured.keySet(), "and");
    }

    /**
     * The sinks of a deployed rule, each once: its {@code TO} clause in the order written, then the configured
     * sinks attached to it by their {@code "rules"} list.
     */
    public List<Binding> bindingsOf(Rule rule) {
        Map<String, Binding> out = new LinkedHashMap<>();
        for (SinkRef sink : rule.sinks()) {
            Binding binding = sink.isNamed() ? configured(configured.get(sink.word())) : inline(sink);
            out.putIfAbsent(binding.name(), binding);
        }
        for (SinkDeclaration declaration : configured.values()) {
            if (declaration.attachedTo(rule.name())) {
                out.putIfAbsent(declaration.name(), configured(declaration));
            }
        }
        return List.copyOf(out.values());
    }

    private static Binding configured(SinkDeclaration declaration) {
        if (declaration == null) {
            throw new IllegalStateException("a rule naming an unconfigured sink was deployed past SinkCatalog.check");
        }
        return new Binding(declaration.name(), declaration.spec(), true);
    }

    /**
     * Inline sinks with equal specs share one name, hence one sink. A webhook is named by its host and a hash of
     * its URL: the path or query of a webhook URL often holds a secret, and names appear in {@code /metrics}.
     */
    private Binding inline(SinkRef sink) {
        if (sink.word().equals(SinkRef.LOG)) {
            return new Binding(SinkRef.LOG, SinkSpec.Log.defaults(), false);
        }
        if (sink.word().equals(SinkRef.WEBHOOK)) {
            URI url = URI.create(sink.target());
            return new Binding("webhook:" + url.getHost() + "#" + hash(sink.target()), SinkSpec.Webhook.to(url),
                    false);
        }
        if (sink.word().equals(SinkRef.KAFKA)) {
            if (kafka.bootstrapServers() == null) {
                throw new IllegalStateException("a rule naming an inline kafka topic was deployed past SinkCatalog.check");
            }
            return new Binding("kafka:" + sink.target(), new SinkSpec.Kafka(sink.target(), kafka.bootstrapServers(),
                    null, kafka.properties(), SinkSpec.Kafka.DEFAULT_QUEUE_CAPACITY), false);
        }
        Path folder = confinement.fileFolder();
        if (folder == null) {
            throw new IllegalStateException("a rule naming an inline file was deployed past SinkCatalog.check");
        }
        Path resolved = folder.resolve(sink.target()).normalize();
        return new Binding("file:" + resolved, SinkSpec.File.at(resolved), false);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
