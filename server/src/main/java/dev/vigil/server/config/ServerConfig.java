package dev.vigil.server.config;

import dev.vigil.connectors.SinkDeclaration;
import dev.vigil.connectors.WebhookHosts;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.server.log.LogRetention;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How {@code vigil serve} runs.
 *
 * @param host the address to bind; loopback by default: without {@code tokens} nobody is authenticated
 * @param port the TCP port; 0 picks a free one (tests)
 * @param rulesDir the folder whose {@code *.cep} and {@code *.sql} rule files (recursively) are deployed at start; {@code null} for none
 * @param queueCapacity commands (event batches, rule changes) a shard holds before the server answers 503
 * @param bodyLimitBytes largest request body accepted; larger ones get 413
 * @param frameLimitBytes largest WebSocket message (one frame, or the fragments of one message) accepted on
 *     {@code /v1/events}; larger ones are refused
 * @param dataDir the server's data folder, created at start when missing: the ingest log ({@code ingest/}), the
 *     alert log ({@code alerts/}) and the files of sinks named in rule text ({@code sinks/}) live there;
 *     {@code null} for none (tests: both logs stay in memory and a restart starts afresh)
 * @param tokens the bearer tokens accepted and their roles; empty: nothing is enforced (keep to loopback then)
 * @param ruleTextLimitBytes largest rule request body ({@code POST}/{@code PUT} on {@code /v1/rules}); larger: 413
 * @param maxRules rules the server runs at most; a deployment beyond it gets 422
 * @param maxEventsPerBatch events and watermarks one {@code POST /v1/events} or one WebSocket message may hold
 * @param shards engine threads; events are split between them by partition key
 * @param watermarkDelayMs the watermark delay of streams whose declaration sets none
 * @param sourceIdleTimeoutMs how long an event source may stay silent before it stops holding back the watermark
 *     of the streams it feeds
 * @param sinks the sinks declared in the configuration file ({@code "sinks"}), which rules name in {@code TO} or
 *     which attach themselves to rules
 * @param tls the certificate and key to serve HTTPS and WSS with, or {@code null} for plain HTTP
 * @param durability whether the logs are kept in the data folder, when batches are acknowledged, and the free-space
 *     reserve below which ingestion pauses
 * @param checkpointIntervalMs between two periodic checkpoints of the engine state into the data folder; 0 for none
 * @param fromSavepoint the savepoint (name in the data folder, or a file) to start from instead of the latest
 *     checkpoint, or {@code null}
 * @param logRetention how long and how much of the ingest log is kept (never what the checkpoints still need)
 * @param stateBackend where the shards' engines keep per-key state: on the heap, or in RocksDB under
 *     {@code <data>/state/shard-N} (emptied at start: checkpoints restore the state)
 * @param security what web pages, and the sinks rule text names, may reach
 * @param ruleWork what one rule text may cost to compile and one backtest to run
 * @param work the bound on the engine's work per event and key, and when a busy shard counts as stuck
 * @param memory the bounds on keys holding partial matches and the heap occupancy at which ingestion pauses
 * @param logs the server's log: text or JSON lines, the level, whether requests are logged
 * @param kafka the Kafka cluster sinks write to unless they name their own (all {@code TO kafka 'topic'} in rules)
 */
public record ServerConfig(String host, int port, Path rulesDir, int queueCapacity, long bodyLimitBytes,
        int frameLimitBytes, Path dataDir, List<AccessToken> tokens, int ruleTextLimitBytes, int maxRules,
        int maxEventsPerBatch, int shards, long watermarkDelayMs, long sourceIdleTimeoutMs, List<SinkDeclaration> sinks,
        Tls tls, Durability durability, long checkpointIntervalMs, String fromSavepoint, LogRetention logRetention,
        StateBackend stateBackend, Security security, RuleWork ruleWork, Work work, MemoryLimits memory,
        Kafka kafka, Logs logs) {
    /**
     * The default Kafka cluster: kafka sinks declared without {@code bootstrapServers}, and every kafka sink named in
     * rule text ({@code TO kafka 'topic'}), write to it, with its client settings.
     *
     * @param bootstrapServers {@code host:port,...}, or {@code null}: no default (rule text cannot name kafka sinks)
     * @param properties Kafka client settings for those sinks (security, timeouts); values never printed
     */
    public record Kafka(String bootstrapServers, Map<String, String> properties, KafkaSource source) {
        public static final Kafka NONE = new Kafka(null, Map.of());

        public Kafka {
            if (bootstrapServers != null && bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("kafkaBootstrap is empty");
            }
            properties = Map.copyOf(properties);
            if (source == null) {
                throw new IllegalArgumentException("the kafka source is null (KafkaSource.NONE for none)");
            }
            if (!source.topics().isEmpty() && bootstrapServers == null) {
                throw new IllegalArgumentException("kafkaTopics needs kafkaBootstrap: the cluster to read them from");
            }
        }

        public Kafka(String bootstrapServers, Map<String, String> properties) {
            this(bootstrapServers, properties, KafkaSource.NONE);
        }

        @Override
        public String toString() {
            return "Kafka[bootstrapServers=" + bootstrapServers + ", properties=" + properties.keySet() + ", source="
                    + source + "]";
        }
    }

    /**
     * The topics the server reads events from (docs/api.md, Kafka source), on the default cluster.
     *
     * @param topics each topic read, with the stream its events belong to, or {@code ""}: the stream is the value's
     *     {@code stream} field, as over HTTP
     * @param group the consumer group the read offsets are committed to, for lag monitoring only: the server keeps
     *     its own offsets in its ingest log and checkpoints
     * @param deadLetterTopic where records that are not events are copied, with the reason in headers; null: none
     * @param startFrom where a partition the server has never read starts: {@code earliest} or {@code latest}
     *     (after the group's committed offset, when it has one)
     */
    public record KafkaSource(Map<String, String> topics, String group, String deadLetterTopic, String startFrom) {
        public static final String DEFAULT_GROUP = "vigil";
        public static final List<String> STARTS = List.of("earliest", "latest");
        public static final KafkaSource NONE = new KafkaSource(Map.of(), DEFAULT_GROUP, null, "earliest");

        private static final java.util.regex.Pattern TOPIC = java.util.regex.Pattern.compile("[a-zA-Z0-9._-]{1,249}");

        public KafkaSource {
            topics = Map.copyOf(topics);
            if (!STARTS.contains(startFrom)) {
                throw new IllegalArgumentException("kafkaStartFrom '" + startFrom + "' is not one of " + STARTS);
            }
        }

        /** What is wrong with an entry of kafkaTopics ({@code topic} or {@code topic=stream}), or null. */
        public static String topicProblem(String entry) {
            int equals = entry.indexOf('=');
            String topic = equals < 0 ? entry : entry.substring(0, equals).strip();
            if (!TOPIC.matcher(topic).matches()) {
                return "'" + topic + "' is not a topic name: 1 to 249 letters, digits, '.', '_' or '-'";
            }
            if (equals >= 0 && entry.substring(equals + 1).isBlank()) {
                return "'" + entry + "' names no stream after '='; write " + topic + " alone to take the stream "
                        + "from each record's 'stream' field";
            }
            return null;
        }

        /**
         * Entries of kafkaTopics (each without a {@link #topicProblem}) as topic to stream ({@code ""}: from the
         * record), in their order; a topic given twice is a mistake.
         */
        public static Map<String, String> topics(List<String> entries) {
            Map<String, String> topics = new java.util.LinkedHashMap<>();
            for (String entry : entries) {
                int equals = entry.indexOf('=');
                String topic = (equals < 0 ? entry : entry.substring(0, equals)).strip();
                String stream = equals < 0 ? "" : entry.substring(equals + 1).strip();
                if (topics.put(topic, stream) != null) {
                    throw new IllegalArgumentException("kafkaTopics names topic '" + topic + "' twice");
                }
            }
            return topics;
        }
    }

    /**
     * What web pages, and the sinks named in rule text, may reach (docs/security.md).
     *
     * @param allowedOrigins origins besides the server's own whose pages may change the server and open its
     *     WebSockets, as {@code scheme://host:port}
     * @param sinkDir the folder file sinks named in rule text write under; {@code null}: {@code <data>/sinks}, and
     *     none without a data folder
     * @param webhookAllowedHosts entries of {@link WebhookHosts} that webhooks named in rule text may post to
     *     although the defaults deny them ({@code loopback}, an address, a CIDR block, a name)
     * @param webhookDeniedHosts entries they may not post to, besides the defaults
     */
    public record Security(List<String> allowedOrigins, Path sinkDir, List<String> webhookAllowedHosts,
            List<String> webhookDeniedHosts) {
        public static final Security DEFAULT = new Security(List.of(), null, List.of(), List.of());

        public Security {
            List<String> origins = new java.util.ArrayList<>();
            for (String origin : allowedOrigins) {
                String normalized = WebOrigin.normalize(origin);
                if (normalized == null) {
                    throw new IllegalArgumentException("'" + origin + "' is not an origin (http:// or https://, a "
                            + "host and an optional port, nothing after)");
                }
                origins.add(normalized);
            }
            allowedOrigins = List.copyOf(origins);
            webhookAllowedHosts = List.copyOf(webhookAllowedHosts);
            webhookDeniedHosts = List.copyOf(webhookDeniedHosts);
            WebhookHosts.of(webhookAllowedHosts, webhookDeniedHosts);   // throws for an entry that is none
        }

        public Security withAllowedOrigins(List<String> origins) {
            return new Security(origins, sinkDir, webhookAllowedHosts, webhookDeniedHosts);
        }

        public Security withSinkDir(Path dir) {
            return new Security(allowedOrigins, dir, webhookAllowedHosts, webhookDeniedHosts);
        }

        public Security withWebhookHosts(List<String> allowed, List<String> denied) {
            return new Security(allowedOrigins, sinkDir, allowed, denied);
        }

        /** The folder file sinks named in rule text write under: {@code sinkDir}, else {@code <data>/sinks}. */
        public Path sinkFolder(Path dataDir) {
            return sinkDir != null ? sinkDir : dataDir == null ? null : dataDir.resolve("sinks");
        }

        public WebhookHosts webhookHosts() {
            return WebhookHosts.of(webhookAllowedHosts, webhookDeniedHosts);
        }
    }

    /** HTTPS and WSS with this PEM certificate chain and private key. */
    public record Tls(Path certificate, Path key) {
        public Tls {
            if (certificate == null || key == null) {
                throw new IllegalArgumentException("TLS needs a certificate and a key");
            }
        }
    }

    /**
     * What rule text may cost the server: every text it compiles (rules API, validate, backtest, rules folder,
     * recovery) is held to {@code compile}; HTTP compiles run on a pool of {@code compileThreads} threads, which
     * refuses work beyond a short queue (503); a backtest stops after {@code backtestTimeoutMs} or
     * {@code backtestMaxEvents} events read from the log, answering what it found so far.
     */
    public record RuleWork(CompileLimits compile, int compileThreads, long backtestTimeoutMs, long backtestMaxEvents) {
        public static final int DEFAULT_COMPILE_THREADS = 2;
        public static final long DEFAULT_BACKTEST_TIMEOUT_MS = 60_000;
        public static final long DEFAULT_BACKTEST_MAX_EVENTS = 10_000_000;
        /** Compile requests that may wait per compile thread; more get 503. */
        public static final int QUEUED_PER_THREAD = 4;
        public static final RuleWork DEFAULT = new RuleWork(CompileLimits.DEFAULTS, DEFAULT_COMPILE_THREADS,
                DEFAULT_BACKTEST_TIMEOUT_MS, DEFAULT_BACKTEST_MAX_EVENTS);

        public RuleWork {
            if (compile == null) {
                throw new IllegalArgumentException("compile limits are required");
            }
            if (compileThreads < 1) {
                throw new IllegalArgumentException("compile threads " + compileThreads + " < 1");
            }
            if (backtestTimeoutMs < 1) {
                throw new IllegalArgumentException("backtest timeout " + backtestTimeoutMs + " ms < 1");
            }
            if (backtestMaxEvents < 1) {
                throw new IllegalArgumentException("backtest max events " + backtestMaxEvents + " < 1");
            }
        }
    }

    /**
     * The server's own log (docs/operations.md): one line per event worth an operator's attention on stderr.
     *
     * @param format {@code text} (a timestamp, level, thread, logger and message) or {@code json} (one object per
     *     line, for a log shipper)
     * @param level the least severe level written: {@code error}, {@code warn}, {@code info} or {@code debug}
     * @param accessLog whether each HTTP request and WebSocket connection is logged (logger {@code vigil.access})
     */
    public record Logs(String format, String level, boolean accessLog) {
        public static final List<String> FORMATS = List.of("text", "json");
        public static final List<String> LEVELS = List.of("error", "warn", "info", "debug");
        public static final Logs DEFAULT = new Logs("text", "info", true);

        public Logs {
            if (!FORMATS.contains(format)) {
                throw new IllegalArgumentException("log format '" + format + "' is not one of " + FORMATS);
            }
            if (!LEVELS.contains(level)) {
                throw new IllegalArgumentException("log level '" + level + "' is not one of " + LEVELS);
            }
        }
    }

    /**
     * CPU bounds of the shards.
     *
     * @param maxWorkPerEvent the engine's work bound per event and key
     *     ({@link dev.vigil.nfa.EngineConfig#maxWorkPerEvent})
     * @param stuckShardMs how long a shard may stay on one command (an event batch, a deployment) before
     *     {@code /ready} reports it stuck
     */
    public record Work(long maxWorkPerEvent, long stuckShardMs) {
        public static final Work DEFAULT = new Work(dev.vigil.nfa.EngineConfig.DEFAULT_MAX_WORK_PER_EVENT, 30_000);

        public Work {
            if (maxWorkPerEvent < 1) {
                throw new IllegalArgumentException("max work per event " + maxWorkPerEvent + " < 1");
            }
            if (stuckShardMs < 1) {
                throw new IllegalArgumentException("stuck shard time " + stuckShardMs + " ms < 1");
            }
        }
    }

    /** Where engines keep per-key state; the names are those of the {@code stateBackend} setting. */
    public enum StateBackend {
        HEAP("heap"),
        ROCKSDB("rocksdb");

        private final String setting;

        StateBackend(String setting) {
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }

        /** The backend a setting names, or null when it names none. */
        public static StateBackend of(String setting) {
            for (StateBackend backend : values()) {
                if (backend.setting.equals(setting)) {
                    return backend;
                }
            }
            return null;
        }
    }

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_QUEUE_CAPACITY = 1_024;
    public static final long DEFAULT_BODY_LIMIT_BYTES = 4L << 20;
    public static final int DEFAULT_FRAME_LIMIT_BYTES = 1 << 20;
    /** Shards are addressed by the bits of a {@code long} (the sequencer's routing). */
    public static final int MAX_SHARDS = 64;
    public static final String DEFAULT_DATA_DIR = "data";
    public static final int DEFAULT_RULE_TEXT_LIMIT_BYTES = 64 << 10;
    public static final int DEFAULT_MAX_RULES = 1_000;
    public static final int DEFAULT_MAX_EVENTS_PER_BATCH = 10_000;
    public static final int DEFAULT_SHARDS = Math.min(Runtime.getRuntime().availableProcessors(),
            MAX_SHARDS);
    public static final long DEFAULT_SOURCE_IDLE_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;
    /** The ingest log is kept a week (and what the checkpoints need), with no size budget. */
    public static final LogRetention DEFAULT_LOG_RETENTION = new LogRetention(7L * 24 * 3_600_000, 0);

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " outside 0..65535");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity " + queueCapacity + " < 1");
        }
        if (bodyLimitBytes < 1) {
            throw new IllegalArgumentException("body limit " + bodyLimitBytes + " < 1");
        }
        if (frameLimitBytes < 1) {
            throw new IllegalArgumentException("frame limit " + frameLimitBytes + " < 1");
        }
        tokens = List.copyOf(tokens);
        if (ruleTextLimitBytes < 1) {
            throw new IllegalArgumentException("rule text limit " + ruleTextLimitBytes + " < 1");
        }
        if (maxRules < 1) {
            throw new IllegalArgumentException("max rules " + maxRules + " < 1");
        }
        if (maxEventsPerBatch < 1) {
            throw new IllegalArgumentException("max events per batch " + maxEventsPerBatch + " < 1");
        }
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards " + shards + " outside 1.."
                    + MAX_SHARDS);
        }
        if (watermarkDelayMs < 0) {
            throw new IllegalArgumentException("watermark delay " + watermarkDelayMs + " ms < 0");
        }
        if (sourceIdleTimeoutMs < 1) {
            throw new IllegalArgumentException("source idle timeout " + sourceIdleTimeoutMs + " ms < 1");
        }
        sinks = List.copyOf(sinks);
        if (checkpointIntervalMs < 0) {
            throw new IllegalArgumentException("checkpoint interval " + checkpointIntervalMs + " ms < 0");
        }
        if (durability == null) {
            throw new IllegalArgumentException("durability is required");
        }
        if (logRetention == null) {
            throw new IllegalArgumentException("log retention is required");
        }
        if (stateBackend == null) {
            throw new IllegalArgumentException("state backend is null");
        }
        if (security == null) {
            throw new IllegalArgumentException("security is null (Security.DEFAULT for the defaults)");
        }
        if (ruleWork == null) {
            throw new IllegalArgumentException("rule work limits are required");
        }
        if (work == null) {
            throw new IllegalArgumentException("work bounds are null");
        }
        if (memory == null) {
            throw new IllegalArgumentException("memory limits are null");
        }
        if (kafka == null) {
            throw new IllegalArgumentException("kafka is null (Kafka.NONE for no default cluster)");
        }
        if (logs == null) {
            throw new IllegalArgumentException("log settings are null (Logs.DEFAULT for the defaults)");
        }
    }

    public static ServerConfig of(String host, int port, Path rulesDir) {
        return new ServerConfig(host, port, rulesDir, DEFAULT_QUEUE_CAPACITY, DEFAULT_BODY_LIMIT_BYTES,
                DEFAULT_FRAME_LIMIT_BYTES, null, List.of(), DEFAULT_RULE_TEXT_LIMIT_BYTES, DEFAULT_MAX_RULES,
                DEFAULT_MAX_EVENTS_PER_BATCH, DEFAULT_SHARDS, 0, DEFAULT_SOURCE_IDLE_TIMEOUT_MS, List.of(),
                null, Durability.DEFAULT, DEFAULT_CHECKPOINT_INTERVAL_MS, null, DEFAULT_LOG_RETENTION,
                StateBackend.HEAP, Security.DEFAULT, RuleWork.DEFAULT, Work.DEFAULT, MemoryLimits.defaults(),
                Kafka.NONE, Logs.DEFAULT);
    }

    public ServerConfig withQueueCapacity(int capacity) {
        return copy(settings -> settings.queueCapacity = capacity);
    }

    public ServerConfig withFrameLimitBytes(int limit) {
        return copy(settings -> settings.frameLimitBytes = limit);
    }

    public ServerConfig withDataDir(Path dir) {
        return copy(settings -> settings.dataDir = dir);
    }

    public ServerConfig withTokens(List<AccessToken> accepted) {
        return copy(settings -> settings.tokens = accepted);
    }

    public ServerConfig withRuleTextLimitBytes(int limit) {
        return copy(settings -> settings.ruleTextLimitBytes = limit);
    }

    public ServerConfig withMaxRules(int limit) {
        return copy(settings -> settings.maxRules = limit);
    }

    public ServerConfig withMaxEventsPerBatch(int limit) {
        return copy(settings -> settings.maxEventsPerBatch = limit);
    }

    public ServerConfig withShards(int count) {
        return copy(settings -> settings.shards = count);
    }

    public ServerConfig withSourceIdleTimeoutMs(long timeoutMs) {
        return copy(settings -> settings.sourceIdleTimeoutMs = timeoutMs);
    }

    public ServerConfig withSinks(List<SinkDeclaration> declared) {
        return copy(settings -> settings.sinks = declared);
    }

    public ServerConfig withKafka(Kafka cluster) {
        return copy(settings -> settings.kafka = cluster);
    }

    public ServerConfig withTls(Tls serving) {
        return copy(settings -> settings.tls = serving);
    }

    public ServerConfig withCheckpointIntervalMs(long intervalMs) {
        return copy(settings -> settings.checkpointIntervalMs = intervalMs);
    }

    public ServerConfig withLogRetention(LogRetention retention) {
        return copy(settings -> settings.logRetention = retention);
    }

    public ServerConfig withStateBackend(StateBackend backend) {
        return copy(settings -> settings.stateBackend = backend);
    }

    public ServerConfig withWork(Work bounds) {
        return copy(settings -> settings.work = bounds);
    }

    public ServerConfig withFromSavepoint(String savepoint) {
        return copy(settings -> settings.fromSavepoint = savepoint);
    }

    public ServerConfig withDurability(Durability kept) {
        return copy(settings -> settings.durability = kept);
    }

    public ServerConfig withSecurity(Security kept) {
        return copy(settings -> settings.security = kept);
    }

    public ServerConfig withRuleWork(RuleWork limits) {
        return copy(settings -> settings.ruleWork = limits);
    }

    public ServerConfig withWatermarkDelayMs(long delayMs) {
        return copy(settings -> settings.watermarkDelayMs = delayMs);
    }

    public ServerConfig withMemory(MemoryLimits limits) {
        return copy(settings -> settings.memory = limits);
    }

    public ServerConfig withLogs(Logs kept) {
        return copy(settings -> settings.logs = kept);
    }

    private ServerConfig copy(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /**
     * A mutable copy, so each {@code with...} method changes one setting without naming every other: a new
     * setting is added here and in the record, not in each method.
     */
    private static final class Copy {
        String host;
        int port;
        Path rulesDir;
        int queueCapacity;
        long bodyLimitBytes;
        int frameLimitBytes;
        Path dataDir;
        List<AccessToken> tokens;
        int ruleTextLimitBytes;
        int maxRules;
        int maxEventsPerBatch;
        int shards;
        long watermarkDelayMs;
        long sourceIdleTimeoutMs;
        List<SinkDeclaration> sinks;
        Tls tls;
        long checkpointIntervalMs;
        String fromSavepoint;
        LogRetention logRetention;
        Durability durability;
        StateBackend stateBackend;
        Security security;
        RuleWork ruleWork;
        Work work;
        MemoryLimits memory;
        Kafka kafka;
        Logs logs;

        Copy(ServerConfig config) {
            host = config.host;
            port = config.port;
            rulesDir = config.rulesDir;
            queueCapacity = config.queueCapacity;
            bodyLimitBytes = config.bodyLimitBytes;
            frameLimitBytes = config.frameLimitBytes;
            dataDir = config.dataDir;
            tokens = config.tokens;
            ruleTextLimitBytes = config.ruleTextLimitBytes;
            maxRules = config.maxRules;
            maxEventsPerBatch = config.maxEventsPerBatch;
            shards = config.shards;
            watermarkDelayMs = config.watermarkDelayMs;
            sourceIdleTimeoutMs = config.sourceIdleTimeoutMs;
            sinks = config.sinks;
            tls = config.tls;
            checkpointIntervalMs = config.checkpointIntervalMs;
            fromSavepoint = config.fromSavepoint;
            logRetention = config.logRetention;
            durability = config.durability;
            stateBackend = config.stateBackend;
            security = config.security;
            ruleWork = config.ruleWork;
            work = config.work;
            memory = config.memory;
            kafka = config.kafka;
            logs = config.logs;
        }

        ServerConfig build() {
            return new ServerConfig(host, port, rulesDir, queueCapacity, bodyLimitBytes, frameLimitBytes, dataDir,
                    tokens, ruleTextLimitBytes, maxRules, maxEventsPerBatch, shards, watermarkDelayMs,
                    sourceIdleTimeoutMs, sinks, tls, durability, checkpointIntervalMs, fromSavepoint,
                    logRetention, stateBackend, security, ruleWork, work, memory, kafka, logs);
        }
    }
}
