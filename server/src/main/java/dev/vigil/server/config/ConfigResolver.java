package dev.vigil.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.connectors.Durations;
import dev.vigil.connectors.InvalidSinkException;
import dev.vigil.connectors.SinkDeclaration;
import dev.vigil.connectors.SinkDeclarations;
import dev.vigil.connectors.WebhookHosts;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.server.http.Limits;
import dev.vigil.server.log.AckAfter;
import dev.vigil.server.log.LogRetention;
import dev.vigil.wire.JsonCodec;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link ServerConfig} of {@code vigil serve} from its four sources, per key: a flag wins over an
 * environment variable, which wins over the configuration file (JSON, or YAML when it is named {@code .yaml} or
 * {@code .yml}), which wins over the default. Every value
 * is checked before the server starts; a mistake becomes an {@link InvalidConfigException} that names the key and
 * where it came from (the flag, the variable, or the file and key).
 *
 * <p>Paths in the configuration file are relative to the file's folder, so a file and the rules beside it can be
 * moved together; paths from flags and variables are relative to the working directory.
 *
 * <p>Bearer tokens are deliberately not a key: they come only from {@code --token} and {@code VIGIL_TOKENS}
 * (read by {@code vigil serve}), so a secret never sits in a file that is shared or checked in, and never appears in
 * an error message of this class. The resolved configuration has no tokens; the caller adds them.
 *
 * <p>Stateless: every method is a pure function of its arguments (the file is read once per call).
 */
public final class ConfigResolver {
    /** The file-only key declaring alert sinks (name to declaration; see {@link SinkDeclarations}). */
    public static final String SINKS_KEY = "sinks";

    /** The file-only key of the default Kafka cluster's client settings (an object, like a kafka sink's). */
    public static final String KAFKA_PROPERTIES_KEY = "kafkaProperties";
    /** Kafka's own rule for topic names. */

    /** The environment variable naming the configuration file when {@code --config} is absent. */
    public static final String CONFIG_ENV = "VIGIL_CONFIG";

    /** Every setting, in the order {@code --help} lists them. */
    public static final List<ConfigKey> KEYS = List.of(
            new ConfigKey("host", "VIGIL_HOST", "--host", "HOST", ConfigKey.Kind.TEXT, ServerConfig.DEFAULT_HOST,
                    "Address to bind; keep loopback unless tokens are set (VIGIL_TOKENS)."),
            new ConfigKey("port", "VIGIL_PORT", "--port", "PORT", ConfigKey.Kind.PORT, "" + ServerConfig.DEFAULT_PORT,
                    "TCP port; 0 picks a free one."),
            new ConfigKey("rules", "VIGIL_RULES", "--rules", "DIR", ConfigKey.Kind.PATH, "rules-examples",
                    "Folder whose .cep and .sql rule files (recursively) are deployed at start and reloaded when they change."),
            new ConfigKey("data", "VIGIL_DATA", "--data", "DIR", ConfigKey.Kind.PATH, ServerConfig.DEFAULT_DATA_DIR,
                    "Data folder, created if missing: the ingest and alert logs (a restart resumes from them) and, "
                            + "under sinks/, the files of sinks named in rule text."),
            new ConfigKey("queueCapacity", "VIGIL_QUEUE_CAPACITY", "--queue-capacity", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + ServerConfig.DEFAULT_QUEUE_CAPACITY,
                    "Commands (event batches, rule changes) a shard queues, holding about 65,536 events at most; "
                            + "when full, batches wait in the sequencer's queue, and then the server answers busy "
                            + "(503, or a paused WebSocket)."),
            new ConfigKey("bodyLimitBytes", "VIGIL_BODY_LIMIT_BYTES", "--body-limit-bytes", "BYTES",
                    ConfigKey.Kind.POSITIVE_LONG, "" + ServerConfig.DEFAULT_BODY_LIMIT_BYTES,
                    "Largest HTTP request body; larger ones get 413."),
            new ConfigKey("frameLimitBytes", "VIGIL_FRAME_LIMIT_BYTES", "--frame-limit-bytes", "BYTES",
                    ConfigKey.Kind.POSITIVE_INT, "" + ServerConfig.DEFAULT_FRAME_LIMIT_BYTES,
                    "Largest WebSocket message on /v1/events; larger ones are refused."),
            new ConfigKey("ruleTextLimitBytes", "VIGIL_RULE_TEXT_LIMIT_BYTES", "--rule-text-limit-bytes", "BYTES",
                    ConfigKey.Kind.POSITIVE_INT, "" + ServerConfig.DEFAULT_RULE_TEXT_LIMIT_BYTES,
                    "Largest rule request body (POST or PUT on /v1/rules); larger ones get 413."),
            new ConfigKey("maxRules", "VIGIL_MAX_RULES", "--max-rules", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + ServerConfig.DEFAULT_MAX_RULES,
                    "Rules the server runs at most; a deployment beyond it gets 422."),
            new ConfigKey("maxEventsPerBatch", "VIGIL_MAX_EVENTS_PER_BATCH", "--max-events-per-batch", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + ServerConfig.DEFAULT_MAX_EVENTS_PER_BATCH,
                    "Events and watermarks one POST /v1/events or one WebSocket message may hold."),
            new ConfigKey("tlsCert", "VIGIL_TLS_CERT", "--tls-cert", "PEM", ConfigKey.Kind.PATH, null,
                    "PEM certificate chain: with tlsKey, the server speaks HTTPS and WSS only."),
            new ConfigKey("tlsKey", "VIGIL_TLS_KEY", "--tls-key", "PEM", ConfigKey.Kind.PATH, null,
                    "PEM private key (PKCS#8 or PKCS#1) of tlsCert."),
            new ConfigKey("shards", "VIGIL_SHARDS", "--shards", "N", ConfigKey.Kind.POSITIVE_INT,
                    "" + ServerConfig.DEFAULT_SHARDS,
                    "Engine threads, 1..64, one per core by default; events are split between them by partition key."),
            new ConfigKey("watermarkDelay", "VIGIL_WATERMARK_DELAY", "--watermark-delay", "DURATION",
                    ConfigKey.Kind.DURATION, "0",
                    "Watermark delay (out-of-orderness allowed) of streams whose STREAM declaration sets none."),
            new ConfigKey("sourceIdleTimeout", "VIGIL_SOURCE_IDLE_TIMEOUT", "--source-idle-timeout", "DURATION",
                    ConfigKey.Kind.POSITIVE_DURATION, Durations.format(ServerConfig.DEFAULT_SOURCE_IDLE_TIMEOUT_MS),
                    "How long an event source may stay silent before it stops holding back its streams' "
                            + "watermark."),
            new ConfigKey("checkpointInterval", "VIGIL_CHECKPOINT_INTERVAL", "--checkpoint-interval", "DURATION",
                    ConfigKey.Kind.DURATION, Durations.format(ServerConfig.DEFAULT_CHECKPOINT_INTERVAL_MS),
                    "Time between checkpoints of the engine state into the data folder (a restart loads the "
                            + "latest and replays the ingest log after it); 0 for none."),
            new ConfigKey("logRetention", "VIGIL_LOG_RETENTION", "--log-retention", "DURATION",
                    ConfigKey.Kind.DURATION, Durations.format(ServerConfig.DEFAULT_LOG_RETENTION.retentionMs()),
                    "How long the ingest log keeps events (in hourly files; backtests read them); what the kept "
                            + "checkpoints need stays whatever its age; 0 for no limit."),
            new ConfigKey("logRetentionBytes", "VIGIL_LOG_RETENTION_BYTES", "--log-retention-bytes", "BYTES",
                    ConfigKey.Kind.NON_NEGATIVE_LONG, "0",
                    "The ingest log's size budget: its oldest hourly files go while it is larger (never what the "
                            + "kept checkpoints need); 0 for none."),
            new ConfigKey("durability", "VIGIL_DURABILITY", "--durability", "log|none", ConfigKey.Kind.TEXT, "log",
                    "log: every accepted event goes to the ingest log in the data folder before it is acknowledged, "
                            + "and a restart resumes from the logs; none: logs in memory only, nothing survives a "
                            + "restart (for comparisons and tests)."),
            new ConfigKey("ackAfter", "VIGIL_ACK_AFTER", "--ack-after", "write|flush", ConfigKey.Kind.TEXT, "write",
                    "When a batch is acknowledged: after its write to the ingest log (survives the process being "
                            + "killed), or after the flush of the log to disk (survives a power cut; slower)."),
            new ConfigKey("minFreeDiskMb", "VIGIL_MIN_FREE_DISK_MB", "--min-free-disk-mb", "MB",
                    ConfigKey.Kind.NON_NEGATIVE_LONG, "" + Durability.DEFAULT_MIN_FREE_DISK_MB,
                    "Free space the data folder keeps: below it ingestion pauses (batches refused, /ready not "
                            + "ready) until space returns; 0: no early pause, batches are refused only once the disk "
                            + "cannot hold them (nothing acknowledged is lost either way)."),
            new ConfigKey("stateBackend", "VIGIL_STATE_BACKEND", "--state-backend", "heap|rocksdb",
                    ConfigKey.Kind.TEXT, ServerConfig.StateBackend.HEAP.setting(),
                    "Where engines keep per-key state: heap (fastest) or rocksdb (state larger than memory, in "
                            + "<data>/state, emptied at start: checkpoints restore state)."),
            new ConfigKey("allowedOrigins", "VIGIL_ALLOWED_ORIGINS", "--allowed-origins", "ORIGINS",
                    ConfigKey.Kind.LIST, null,
                    "Origins (https://ops.example.com) besides the server's own whose web pages may change the "
                            + "server, open its WebSockets and read its answers (CORS, off without any); browsers "
                            + "from any other origin are refused (403)."),
            new ConfigKey("sinkDir", "VIGIL_SINK_DIR", "--sink-dir", "DIR", ConfigKey.Kind.PATH, null,
                    "Folder that file sinks named in rule text (TO file 'x.ndjson') write under; default "
                            + "<data>/sinks. Their paths must be relative and stay inside it."),
            new ConfigKey("webhookAllowedHosts", "VIGIL_WEBHOOK_ALLOWED_HOSTS", "--webhook-allowed-hosts", "HOSTS",
                    ConfigKey.Kind.LIST, null,
                    "Hosts webhooks named in rule text may post to although denied by default (loopback, "
                            + "link-local, metadata): loopback, an address, a CIDR block, a name or *.domain."),
            new ConfigKey("webhookDeniedHosts", "VIGIL_WEBHOOK_DENIED_HOSTS", "--webhook-denied-hosts", "HOSTS",
                    ConfigKey.Kind.LIST, null,
                    "Hosts webhooks named in rule text may not post to, besides the defaults: private, an "
                            + "address, a CIDR block, a name or *.domain."),
            new ConfigKey("kafkaBootstrap", "VIGIL_KAFKA_BOOTSTRAP", "--kafka-bootstrap",
                    "HOST:PORT,...", ConfigKey.Kind.TEXT, null,
                    "The Kafka cluster that kafka sinks without bootstrapServers and every TO kafka 'topic' of rule "
                            + "text write to; its client settings under kafkaProperties in the configuration file. "
                            + "Without it rule text cannot name kafka sinks."),
            new ConfigKey("kafkaTopics", "VIGIL_KAFKA_TOPICS", "--kafka-topics", "TOPIC[=STREAM],...",
                    ConfigKey.Kind.LIST, null,
                    "Topics of the kafkaBootstrap cluster to read events from, exactly once: each JSON record is an "
                            + "event of STREAM, or of the stream its 'stream' field names."),
            new ConfigKey("kafkaGroup", "VIGIL_KAFKA_GROUP", "--kafka-group", "GROUP", ConfigKey.Kind.TEXT,
                    ServerConfig.KafkaSource.DEFAULT_GROUP,
                    "Consumer group the kafka source commits its read offsets to, for lag monitoring only."),
            new ConfigKey("kafkaDeadLetterTopic", "VIGIL_KAFKA_DEAD_LETTER_TOPIC", "--kafka-dead-letter-topic",
                    "TOPIC", ConfigKey.Kind.TEXT, null,
                    "Where the kafka source copies records that are not events, with the reason in headers."),
            new ConfigKey("kafkaStartFrom", "VIGIL_KAFKA_START_FROM", "--kafka-start-from", "earliest|latest",
                    ConfigKey.Kind.TEXT, "earliest",
                    "Where a partition never read before starts, after the group's committed offset if any."),
            new ConfigKey(CompileLimits.NESTING_DEPTH, "VIGIL_MAX_NESTING_DEPTH", "--max-nesting-depth", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + CompileLimits.DEFAULTS.maxNestingDepth(),
                    "Levels rule text may nest (parentheses, NOT, calls, groups, each operator of a chain); deeper "
                            + "text is refused with a diagnostic (docs/rule-language.md, Limits)."),
            new ConfigKey(CompileLimits.REPEAT_COUNT, "VIGIL_MAX_REPEAT_COUNT", "--max-repeat-count", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + CompileLimits.DEFAULTS.maxRepeatCount(),
                    "Largest count of a quantifier ({n}, {n,}, {n,m}): each repetition is a state of the NFA."),
            new ConfigKey(CompileLimits.NFA_STATES, "VIGIL_MAX_NFA_STATES", "--max-nfa-states", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + CompileLimits.DEFAULTS.maxNfaStates(),
                    "States one rule's NFA may have; a larger rule is refused."),
            new ConfigKey(CompileLimits.NFA_TRANSITIONS, "VIGIL_MAX_NFA_TRANSITIONS", "--max-nfa-transitions", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + CompileLimits.DEFAULTS.maxNfaTransitions(),
                    "Transitions one rule's NFA may have; a larger rule is refused."),
            new ConfigKey(CompileLimits.COMPILE_TIMEOUT, "VIGIL_COMPILE_TIMEOUT", "--compile-timeout", "DURATION",
                    ConfigKey.Kind.POSITIVE_DURATION, Durations.format(CompileLimits.DEFAULTS.compileTimeoutMs()),
                    "How long one rule may take to compile; a slower one is refused."),
            new ConfigKey("compileThreads", "VIGIL_COMPILE_THREADS", "--compile-threads", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + ServerConfig.RuleWork.DEFAULT_COMPILE_THREADS,
                    "Threads compiling rule text sent over HTTP; with " + ServerConfig.RuleWork.QUEUED_PER_THREAD
                            + " requests queued per thread, more get 503 with Retry-After."),
            new ConfigKey("backtestTimeout", "VIGIL_BACKTEST_TIMEOUT", "--backtest-timeout", "DURATION",
                    ConfigKey.Kind.POSITIVE_DURATION,
                    Durations.format(ServerConfig.RuleWork.DEFAULT_BACKTEST_TIMEOUT_MS),
                    "How long a backtest may run; then it stops and answers what it found (truncated)."),
            new ConfigKey("backtestMaxEvents", "VIGIL_BACKTEST_MAX_EVENTS", "--backtest-max-events", "N",
                    ConfigKey.Kind.POSITIVE_LONG, "" + ServerConfig.RuleWork.DEFAULT_BACKTEST_MAX_EVENTS,
                    "Events of the ingest log a backtest may read; then it stops and answers what it found "
                            + "(truncated)."),
            new ConfigKey("maxWorkPerEvent", "VIGIL_MAX_WORK_PER_EVENT", "--max-work-per-event", "N",
                    ConfigKey.Kind.POSITIVE_LONG, "" + ServerConfig.Work.DEFAULT.maxWorkPerEvent(),
                    "Work one event may cost a rule's key (runs stepped and created, shared-buffer edges examined, "
                            + "events copied into matches); beyond it the key's partial matches are dropped, counted "
                            + "and logged."),
            new ConfigKey("stuckShardAfter", "VIGIL_STUCK_SHARD_AFTER", "--stuck-shard-after", "DURATION",
                    ConfigKey.Kind.POSITIVE_DURATION, Durations.format(ServerConfig.Work.DEFAULT.stuckShardMs()),
                    "How long a shard may stay on one command (an event batch, a deployment) before /ready "
                            + "answers 503 naming it."),
            new ConfigKey("maxKeys", "VIGIL_MAX_KEYS", "--max-keys", "N", ConfigKey.Kind.POSITIVE_INT,
                    "" + MemoryLimits.defaults().maxKeys(),
                    "Keys holding partial matches over every rule, split evenly between the shards; beyond it the "
                            + "keys holding them the longest lose them (evicted, counted); default: half of this "
                            + "JVM's heap at 2 KiB a key, or with --state-backend rocksdb at 128 B a key (what a key "
                            + "whose state is in RocksDB leaves on the heap: " + MemoryLimits.defaultMaxKeys(
                                    ServerConfig.StateBackend.ROCKSDB) + " here)."),
            new ConfigKey("maxKeysPerRule", "VIGIL_MAX_KEYS_PER_RULE", "--max-keys-per-rule", "N",
                    ConfigKey.Kind.POSITIVE_INT, "" + MemoryLimits.defaults().maxKeysPerRule(),
                    "Keys holding partial matches in one rule (split between the shards, evicted beyond it, "
                            + "oldest first); default: as maxKeys's default (on the state backend used)."),
            new ConfigKey("heapPausePercent", "VIGIL_HEAP_PAUSE_PERCENT", "--heap-pause-percent", "PERCENT",
                    ConfigKey.Kind.PERCENT, "" + MemoryLimits.DEFAULT_HEAP_PAUSE_PERCENT,
                    "Heap in use after garbage collection at which ingestion pauses (batches get 503, WebSockets "
                            + "stop being read, /ready not ready) before the heap runs out; 0 turns it off."),
            new ConfigKey("heapResumePercent", "VIGIL_HEAP_RESUME_PERCENT", "--heap-resume-percent", "PERCENT",
                    ConfigKey.Kind.PERCENT, "" + MemoryLimits.DEFAULT_HEAP_RESUME_PERCENT,
                    "Heap in use after garbage collection below which a paused ingestion resumes; below "
                            + "heapPausePercent."),
            new ConfigKey("maxProducers", "VIGIL_MAX_PRODUCERS", "--max-producers", "N", ConfigKey.Kind.POSITIVE_INT,
                    "" + MemoryLimits.DEFAULT_MAX_PRODUCERS,
                    "Producers of named batches (X-Vigil-Batch, {\"batch\": ...}) whose highest batch is remembered"
                            + " to acknowledge a resend as a duplicate; beyond it the least recently active is "
                            + "forgotten (counted), and a resend of its batches is taken again."),
            new ConfigKey("logFormat", "VIGIL_LOG_FORMAT", "--log-format", "text|json", ConfigKey.Kind.TEXT,
                    ServerConfig.Logs.DEFAULT.format(),
                    "The server's log on stderr: text lines (time, level, thread, logger, message) or one JSON "
                            + "object per line for a log shipper."),
            new ConfigKey("logLevel", "VIGIL_LOG_LEVEL", "--log-level", "error|warn|info|debug", ConfigKey.Kind.TEXT,
                    ServerConfig.Logs.DEFAULT.level(), "The least severe level the server's log writes."),
            new ConfigKey("accessLog", "VIGIL_ACCESS_LOG", "--access-log", "on|off", ConfigKey.Kind.TEXT, "on",
                    "A log line per HTTP request and per WebSocket connection (method, path, status, bytes, "
                            + "time, remote address, role; never a token), logger vigil.access."));


    /**
     * The names the duration settings had when they took milliseconds only ({@code checkpointIntervalMs}), by the
     * setting they now name: deprecated, still read in every place (a bare number is milliseconds, as it was), so
     * existing configurations keep working. Giving both names in one place is a mistake, named.
     */
    public static final Map<String, ConfigKey> DEPRECATED_ALIASES = aliases(
            alias("watermarkDelay", "watermarkDelayMs", "VIGIL_WATERMARK_DELAY_MS", "--watermark-delay-ms"),
            alias("sourceIdleTimeout", "sourceIdleTimeoutMs", "VIGIL_SOURCE_IDLE_TIMEOUT_MS",
                    "--source-idle-timeout-ms"),
            alias("checkpointInterval", "checkpointIntervalMs", "VIGIL_CHECKPOINT_INTERVAL_MS",
                    "--checkpoint-interval-ms"),
            alias("logRetention", "logRetentionMs", "VIGIL_LOG_RETENTION_MS", "--log-retention-ms"),
            alias(CompileLimits.COMPILE_TIMEOUT, "compileTimeoutMs", "VIGIL_COMPILE_TIMEOUT_MS", "--compile-timeout-ms"),
            alias("backtestTimeout", "backtestTimeoutMs", "VIGIL_BACKTEST_TIMEOUT_MS", "--backtest-timeout-ms"),
            alias("stuckShardAfter", "stuckShardMs", "VIGIL_STUCK_SHARD_MS", "--stuck-shard-ms"));

    /** Bounds narrower than their kind's, as {@code {min, max}}. */
    private static final Map<String, long[]> RANGES = Map.of("shards", new long[] {1, ServerConfig.MAX_SHARDS});

    /** The allowed values of the settings that are one of a few words. */
    private static final Map<String, List<String>> CHOICES = Map.of("durability", List.of("log", "none"),
            "ackAfter", List.of("write", "flush"), "stateBackend", List.of("heap", "rocksdb"),
            "logFormat", ServerConfig.Logs.FORMATS, "logLevel", ServerConfig.Logs.LEVELS,
            "accessLog", List.of("on", "off"), "kafkaStartFrom", ServerConfig.KafkaSource.STARTS);

    /** What is wrong with one entry of a list setting, or null. */
    private static final Map<String, java.util.function.Function<String, String>> LIST_ENTRY_PROBLEMS = Map.of(
            "allowedOrigins", origin -> WebOrigin.normalize(origin) != null ? null : "'" + origin
                    + "' is not an origin: http:// or https://, a host and an optional port, nothing after",
            "webhookAllowedHosts", WebhookHosts::problem,
            "webhookDeniedHosts", WebhookHosts::problem,
            "kafkaTopics", ServerConfig.KafkaSource::topicProblem);

    private static final YAMLMapper YAML = new YAMLMapper();

    private ConfigResolver() {
    }

    /**
     * Resolves every key.
     *
     * @param flags values given on the command line, by key ({@code "port"}, not {@code "--port"}), as typed
     * @param env the process environment (only the {@code VIGIL_*} variables of {@link #KEYS} are read)
     * @param configFile the JSON configuration file, or {@code null} for none
     */
    public static ServerConfig resolve(Map<String, String> flags, Map<String, String> env, Path configFile)
            throws InvalidConfigException {
        Map<String, Object> file = configFile == null ? Map.of() : readFile(configFile);
        Map<String, Object> values = new HashMap<>();
        Set<String> defaulted = new HashSet<>();
        for (ConfigKey key : KEYS) {
            ConfigKey flag = named(key, name -> flags.get(name.key()) != null, ConfigKey::flag);
            ConfigKey variable = named(key, name -> env.get(name.env()) != null, ConfigKey::env);
            ConfigKey inFile = named(key, name -> file.containsKey(name.key()), ConfigKey::key);
            if (flag != null) {
                values.put(key.key(), parseText(key, flags.get(flag.key()), flag.flag(), null));
            } else if (variable != null) {
                values.put(key.key(), parseText(key, env.get(variable.env()), "environment variable "
                        + variable.env(), null));
            } else if (inFile != null) {
                values.put(key.key(), parseJson(key, inFile.key(), file.get(inFile.key()), configFile));
            } else if (key.defaultValue() != null) {
                values.put(key.key(), parseText(key, key.defaultValue(), "default of " + key.key(), null));
                defaulted.add(key.key());
            }
        }
        // The key bounds' defaults depend on where key state is: RocksDB leaves about 128 B a key on the heap.
        if ("rocksdb".equals(values.get("stateBackend"))) {
            for (String bound : List.of("maxKeys", "maxKeysPerRule")) {
                if (defaulted.contains(bound)) {
                    values.put(bound, MemoryLimits.defaultMaxKeys(ServerConfig.StateBackend.ROCKSDB));
                }
            }
        }
        try {
            return build(values, file, configFile);
        } catch (IllegalArgumentException inconsistent) {
            // every value was checked on its own above; what is left is a combination the server cannot run with
            throw new InvalidConfigException(inconsistent.getMessage());
        }
    }

    /**
     * Which of {@code key}'s names a source gives ({@code key} itself or its deprecated alias), or null for neither;
     * both at once is a mistake.
     */
    private static ConfigKey named(ConfigKey key, java.util.function.Predicate<ConfigKey> given,
            java.util.function.Function<ConfigKey, String> spelling) throws InvalidConfigException {
        ConfigKey alias = DEPRECATED_ALIASES.get(key.key());
        boolean current = given.test(key);
        if (alias == null || !given.test(alias)) {
            return current ? key : null;
        }
        if (current) {
            throw new InvalidConfigException(spelling.apply(key) + " and " + spelling.apply(alias)
                    + " name the same setting (" + spelling.apply(alias) + " is its deprecated name, in milliseconds)"
                    + "; give " + spelling.apply(key) + " only");
        }
        return alias;
    }

    private static ServerConfig build(Map<String, Object> values, Map<String, Object> file, Path configFile)
            throws InvalidConfigException {
        List<SinkDeclaration> sinks = List.of();
        if (file.containsKey(SINKS_KEY)) {
            try {
                sinks = SinkDeclarations.parse(file.get(SINKS_KEY), configFile.toAbsolutePath().getParent());
            } catch (InvalidSinkException invalid) {
                throw new InvalidConfigException(configFile + ": " + invalid.getMessage());
            }
        }
        ServerConfig.Kafka kafka = kafka(values, file, configFile);
        sinks = withDefaultCluster(sinks, kafka, configFile);
        ServerConfig.Security security = new ServerConfig.Security(list(values, "allowedOrigins"),
                (Path) values.get("sinkDir"), list(values, "webhookAllowedHosts"), list(values, "webhookDeniedHosts"));
        return new ServerConfig((String) values.get("host"), (Integer) values.get("port"),
                (Path) values.get("rules"), (Integer) values.get("queueCapacity"),
                (Long) values.get("bodyLimitBytes"), (Integer) values.get("frameLimitBytes"),
                (Path) values.get("data"), List.of(), (Integer) values.get("ruleTextLimitBytes"),
                (Integer) values.get("maxRules"), (Integer) values.get("maxEventsPerBatch"),
                (Integer) values.get("shards"), (Long) values.get("watermarkDelay"),
                (Long) values.get("sourceIdleTimeout"), sinks,
                tls((Path) values.get("tlsCert"), (Path) values.get("tlsKey")),
                new Durability("log".equals(values.get("durability")),
                        AckAfter.valueOf(((String) values.get("ackAfter")).toUpperCase(java.util.Locale.ROOT)),
                        (Long) values.get("minFreeDiskMb")),
                (Long) values.get("checkpointInterval"), null,
                new LogRetention((Long) values.get("logRetention"), (Long) values.get("logRetentionBytes")),
                ServerConfig.StateBackend.of((String) values.get("stateBackend")), security,
                new ServerConfig.RuleWork(new CompileLimits((Integer) values.get(CompileLimits.NESTING_DEPTH),
                        (Integer) values.get(CompileLimits.REPEAT_COUNT),
                        (Integer) values.get(CompileLimits.NFA_STATES),
                        (Integer) values.get(CompileLimits.NFA_TRANSITIONS),
                        (Long) values.get("compileTimeout")), (Integer) values.get("compileThreads"),
                        (Long) values.get("backtestTimeout"), (Long) values.get("backtestMaxEvents")),
                new ServerConfig.Work((Long) values.get("maxWorkPerEvent"), (Long) values.get("stuckShardAfter")),
                memory(values), kafka, new ServerConfig.Logs((String) values.get("logFormat"),
                        (String) values.get("logLevel"), "on".equals(values.get("accessLog"))));
    }

    /** The default Kafka cluster: its servers from the key, its client settings from the file's object. */
    private static ServerConfig.Kafka kafka(Map<String, Object> values, Map<String, Object> file, Path configFile)
            throws InvalidConfigException {
        String servers = (String) values.get("kafkaBootstrap");
        ServerConfig.KafkaSource source = new ServerConfig.KafkaSource(ServerConfig.KafkaSource.topics(list(values, "kafkaTopics")),
                (String) values.get("kafkaGroup"), (String) values.get("kafkaDeadLetterTopic"),
                (String) values.get("kafkaStartFrom"));
        if (!file.containsKey(KAFKA_PROPERTIES_KEY)) {
            return new ServerConfig.Kafka(servers, Map.of(), source);
        }
        try {
            // read as a kafka sink's properties are: the same checks, the same messages
            SinkDeclaration probe = SinkDeclarations.parse(KAFKA_PROPERTIES_KEY, Map.of("type", "kafka", "topic", "t",
                    "properties", file.get(KAFKA_PROPERTIES_KEY)), null);
            return new ServerConfig.Kafka(servers, ((dev.vigil.connectors.SinkSpec.Kafka) probe.spec()).properties(),
                    source);
        } catch (InvalidSinkException invalid) {
            throw new InvalidConfigException(configFile + ": " + invalid.getMessage()
                    .replace("sinks." + KAFKA_PROPERTIES_KEY + ".properties", KAFKA_PROPERTIES_KEY));
        }
    }

    /** Kafka sinks declared without a cluster write to the default one; without a default that is a mistake. */
    private static List<SinkDeclaration> withDefaultCluster(List<SinkDeclaration> sinks, ServerConfig.Kafka kafka,
            Path configFile) throws InvalidConfigException {
        List<SinkDeclaration> out = new ArrayList<>();
        for (SinkDeclaration sink : sinks) {
            if (sink.spec() instanceof dev.vigil.connectors.SinkSpec.Kafka spec && spec.bootstrapServers() == null) {
                if (kafka.bootstrapServers() == null) {
                    throw new InvalidConfigException(configFile + ": sinks." + sink.name() + ".bootstrapServers: "
                            + "a kafka sink needs its cluster: give bootstrapServers, or set kafkaBootstrap "
                            + "(--kafka-bootstrap, VIGIL_KAFKA_BOOTSTRAP)");
                }
                Map<String, String> properties = new java.util.LinkedHashMap<>(kafka.properties());
                properties.putAll(spec.properties());
                sink = new SinkDeclaration(sink.name(), new dev.vigil.connectors.SinkSpec.Kafka(spec.topic(),
                        kafka.bootstrapServers(), spec.transactionalId(), properties, spec.queueCapacity()),
                        sink.rules());
            }
            out.add(sink);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> values, String key) {
        Object list = values.get(key);
        return list == null ? List.of() : (List<String>) list;
    }

    /** The memory settings; the resume percentage must be below the pause percentage (when the pause is on). */
    private static MemoryLimits memory(Map<String, Object> values) throws InvalidConfigException {
        int pause = (Integer) values.get("heapPausePercent");
        int resume = (Integer) values.get("heapResumePercent");
        if (pause > 0 && resume >= pause) {
            throw new InvalidConfigException("heapResumePercent (" + resume + ") must be below heapPausePercent ("
                    + pause + "), so that a pause ends only once memory was freed");
        }
        return new MemoryLimits((Integer) values.get("maxKeys"), (Integer) values.get("maxKeysPerRule"), pause,
                resume, (Integer) values.get("maxProducers"));
    }

    /** Both TLS files or neither: one without the other is a mistake, named. */
    private static ServerConfig.Tls tls(Path cert, Path key) throws InvalidConfigException {
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null || key == null) {
            throw new InvalidConfigException("tlsCert and tlsKey go together: " + (cert == null ? "tlsKey" : "tlsCert")
                    + " is set, " + (cert == null ? "tlsCert" : "tlsKey") + " is not");
        }
        return new ServerConfig.Tls(cert, key);
    }

    /** The file's keys and values; unknown keys, unreadable files and anything but a JSON object are errors. */
    private static Map<String, Object> readFile(Path configFile) throws InvalidConfigException {
        String text;
        if (Files.isDirectory(configFile)) {
            throw new InvalidConfigException(configFile + ": is a folder, not a configuration file");
        }
        try {
            text = Files.readString(configFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            throw new InvalidConfigException(configFile + ": no such configuration file");
        } catch (CharacterCodingException notText) {
            throw new InvalidConfigException(configFile + ": not UTF-8 text");
        } catch (IOException e) {
            throw new InvalidConfigException(configFile + ": cannot read: " + e.getMessage());
        }
        JsonObject json = isYaml(configFile) ? parseYaml(configFile, text) : parseJsonObject(configFile, text);
        List<String> known = new ArrayList<>();
        KEYS.forEach(key -> known.add(key.key()));
        known.add(SINKS_KEY);
        known.add(KAFKA_PROPERTIES_KEY);
        for (String name : json.fieldNames()) {
            boolean deprecated = DEPRECATED_ALIASES.values().stream().anyMatch(old -> old.key().equals(name));
            if (!known.contains(name) && !deprecated) {
                throw new InvalidConfigException(configFile + ": unknown key '" + name + "'; known keys are "
                        + String.join(", ", known));
            }
        }
        return json.getMap();
    }

    private static boolean isYaml(Path configFile) {
        String name = configFile.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static JsonObject parseJsonObject(Path configFile, String text) throws InvalidConfigException {
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException notAnObject) {
            String mistake = JsonCodec.mistake(text);   // in plain words, where; the parser's own words leak its insides
            throw new InvalidConfigException(configFile + ": not a JSON object ("
                    + (mistake != null ? "not valid JSON: " + mistake : "valid JSON, but not an object of settings")
                    + "; a YAML file must be named .yaml or .yml)");
        }
    }

    /** YAML is read into the same tree as JSON, so keys and values are checked alike. */
    private static JsonObject parseYaml(Path configFile, String text) throws InvalidConfigException {
        Object tree;
        try {
            tree = YAML.readValue(text, Object.class);
        } catch (JsonProcessingException bad) {
            JsonLocation at = bad.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidConfigException(configFile + ": not valid YAML" + where + ": " + bad.getOriginalMessage());
        }
        if (tree == null) {
            return new JsonObject();
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new InvalidConfigException(configFile + ": not a YAML mapping of keys to values");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> keys = (Map<String, Object>) map;
        return new JsonObject(keys);
    }

    private static Object parseJson(ConfigKey key, String name, Object value, Path configFile)
            throws InvalidConfigException {
        String origin = configFile + ": key '" + name + "'";
        if (key.kind().duration() && value instanceof String text) {
            return parseText(key, text, origin, null);
        }
        if (key.kind() == ConfigKey.Kind.LIST && value instanceof List<?> array) {
            List<String> entries = new ArrayList<>();
            for (Object entry : array) {
                if (!(entry instanceof String text)) {
                    throw wrong(key, origin, Json.encode(value));
                }
                entries.add(text);
            }
            return parseText(key, String.join(",", entries), origin, null);
        }
        if (key.kind() == ConfigKey.Kind.TEXT || key.kind() == ConfigKey.Kind.PATH
                || key.kind() == ConfigKey.Kind.LIST) {
            if (!(value instanceof String text)) {
                throw wrong(key, origin, Json.encode(value));
            }
            return parseText(key, text, origin, configFile.toAbsolutePath().getParent());
        }
        if (!(value instanceof Integer) && !(value instanceof Long) && !(value instanceof BigInteger)) {
            throw wrong(key, origin, Json.encode(value));
        }
        return parseText(key, value.toString(), origin, null);
    }

    /** Parses and range-checks a value given as text; a relative path is resolved against {@code base}. */
    private static Object parseText(ConfigKey key, String text, String origin, Path base)
            throws InvalidConfigException {
        ConfigKey.Kind kind = key.kind();
        if (kind == ConfigKey.Kind.TEXT) {
            if (text.isBlank()) {
                throw wrong(key, origin, "\"" + text + "\"");
            }
            List<String> choices = CHOICES.get(key.key());
            if (choices != null && !choices.contains(text)) {
                throw new InvalidConfigException(origin + ": " + key.key() + " must be " + String.join(" or ", choices)
                        + ", got \"" + text + "\"");
            }
            return text;
        }
        if (kind == ConfigKey.Kind.LIST) {
            List<String> entries = new ArrayList<>();
            for (String entry : text.split(",")) {
                if (!entry.isBlank()) {
                    String problem = LIST_ENTRY_PROBLEMS.get(key.key()).apply(entry.strip());
                    if (problem != null) {
                        throw new InvalidConfigException(origin + ": " + key.key() + ": " + problem);
                    }
                    entries.add(entry.strip());
                }
            }
            return List.copyOf(entries);
        }
        if (kind == ConfigKey.Kind.PATH) {
            if (text.isBlank()) {
                throw wrong(key, origin, "\"" + text + "\"");
            }
            Path path;
            try {
                path = Path.of(text);
            } catch (java.nio.file.InvalidPathException e) {
                throw wrong(key, origin, "\"" + text + "\"");
            }
            return base == null || path.isAbsolute() ? path : base.resolve(path).normalize();
        }
        if (kind.duration()) {
            Long ms = Durations.millis(text);
            if (ms == null) {
                throw wrong(key, origin, "\"" + text + "\"");
            }
            if (kind == ConfigKey.Kind.POSITIVE_DURATION && ms < 1) {
                throw wrong(key, origin, text.trim());
            }
            return ms;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException notANumber) {
            throw wrong(key, origin, "\"" + text + "\"");
        }
        long[] range = RANGES.get(key.key());
        if (range != null && (value < range[0] || value > range[1])) {
            throw wrong(key, origin, text.trim());
        }
        if (kind == ConfigKey.Kind.PORT && (value < 0 || value > 65_535)
                || kind == ConfigKey.Kind.POSITIVE_INT && (value < 1 || value > Integer.MAX_VALUE)
                || kind == ConfigKey.Kind.POSITIVE_LONG && value < 1
                || kind == ConfigKey.Kind.NON_NEGATIVE_LONG && value < 0
                || kind == ConfigKey.Kind.PERCENT && (value < 0 || value > 100)) {
            throw wrong(key, origin, text.trim());
        }
        if (kind == ConfigKey.Kind.POSITIVE_LONG || kind == ConfigKey.Kind.NON_NEGATIVE_LONG) {
            return value;
        }
        return (int) value;
    }

    private static InvalidConfigException wrong(ConfigKey key, String origin, String got) {
        return new InvalidConfigException(origin + ": " + key.key() + " must be " + expected(key) + ", got " + got);
    }

    /** What a value of {@code key} must be, for messages and {@code --help}: "an integer in 1..64". */
    public static String expected(ConfigKey key) {
        long[] range = RANGES.get(key.key());
        return range == null ? key.kind().expected() : "an integer in " + range[0] + ".." + range[1];
    }

    private static Map.Entry<String, ConfigKey> alias(String current, String key, String env, String flag) {
        ConfigKey of = KEYS.stream().filter(candidate -> candidate.key().equals(current)).findFirst().orElseThrow();
        return Map.entry(current, new ConfigKey(key, env, flag, "MS", of.kind(), null, "Deprecated name of " + current
                + " (a bare number is milliseconds)."));
    }

    @SafeVarargs
    private static Map<String, ConfigKey> aliases(Map.Entry<String, ConfigKey>... deprecated) {
        Map<String, ConfigKey> byCurrent = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, ConfigKey> old : deprecated) {
            byCurrent.put(old.getKey(), old.getValue());
        }
        return java.util.Collections.unmodifiableMap(byCurrent);
    }
}
