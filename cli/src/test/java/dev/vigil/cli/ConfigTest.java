package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.server.config.ConfigKey;
import dev.vigil.server.config.ConfigResolver;
import dev.vigil.server.config.Durability;
import dev.vigil.server.config.InvalidConfigException;
import dev.vigil.server.config.MemoryLimits;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.log.LogRetention;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil serve}'s configuration: flag over environment over file over default, and clear errors. */
class ConfigTest {
    @TempDir
    Path dir;

    private Path configFile(String json) throws IOException {
        Path file = dir.resolve("vigil.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    /** Parses the flags as {@code vigil serve} would and resolves them against {@code env}, without serving. */
    private static ServerConfig serve(Map<String, String> env, String... args) throws InvalidConfigException {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs(args);
        return command.resolve(env);
    }

    private static String problem(Map<String, String> env, String... args) {
        return assertThrows(InvalidConfigException.class, () -> serve(env, args)).getMessage();
    }

    @Test
    void withNothingGivenEverySettingHasItsDefault() throws Exception {
        ServerConfig config = serve(Map.of());
        assertEquals("127.0.0.1", config.host());
        assertEquals(8080, config.port());
        assertEquals(Path.of("rules-examples"), config.rulesDir());
        assertEquals(Path.of("data"), config.dataDir());
        assertEquals(ServerConfig.DEFAULT_QUEUE_CAPACITY, config.queueCapacity());
        assertEquals(ServerConfig.DEFAULT_BODY_LIMIT_BYTES, config.bodyLimitBytes());
        assertEquals(ServerConfig.DEFAULT_FRAME_LIMIT_BYTES, config.frameLimitBytes());
        assertEquals(List.of(), config.tokens());
        assertEquals(ServerConfig.DEFAULT_RULE_TEXT_LIMIT_BYTES, config.ruleTextLimitBytes());
        assertEquals(ServerConfig.DEFAULT_MAX_RULES, config.maxRules());
        assertEquals(ServerConfig.DEFAULT_MAX_EVENTS_PER_BATCH, config.maxEventsPerBatch());
    }

    @Test
    void flagBeatsEnvironmentWhichBeatsFileWhichBeatsDefault() throws Exception {
        Path file = configFile("""
                {"host": "0.0.0.0", "port": 9001, "queueCapacity": 16, "bodyLimitBytes": 5000000000,
                 "frameLimitBytes": 2048}""");
        Map<String, String> env = Map.of("VIGIL_PORT", "9002", "VIGIL_QUEUE_CAPACITY", "32");
        ServerConfig config = serve(env, "--config", file.toString(), "--port", "9003");
        assertEquals(9003, config.port(), "flag over environment and file");
        assertEquals(32, config.queueCapacity(), "environment over file");
        assertEquals("0.0.0.0", config.host(), "file over default");
        assertEquals(5_000_000_000L, config.bodyLimitBytes(), "file over default");
        assertEquals(2048, config.frameLimitBytes(), "file over default");
        assertEquals(Path.of("data"), config.dataDir(), "default when no source names it");
    }

    @Test
    void everyKeyHasItsEnvironmentVariable() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_HOST", "::1");
        env.put("VIGIL_PORT", "0");
        env.put("VIGIL_RULES", "my-rules");
        env.put("VIGIL_DATA", "/var/lib/vigil");
        env.put("VIGIL_QUEUE_CAPACITY", "7");
        env.put("VIGIL_BODY_LIMIT_BYTES", "100");
        env.put("VIGIL_FRAME_LIMIT_BYTES", "200");
        env.put("VIGIL_RULE_TEXT_LIMIT_BYTES", "300");
        env.put("VIGIL_MAX_RULES", "4");
        env.put("VIGIL_MAX_EVENTS_PER_BATCH", "50");
        env.put("VIGIL_SHARDS", "3");
        env.put("VIGIL_SOURCE_IDLE_TIMEOUT", "2500ms");
        env.put("VIGIL_WATERMARK_DELAY", "0");
        env.put("VIGIL_CHECKPOINT_INTERVAL", "0s");
        env.put("VIGIL_LOG_RETENTION", "1h");
        env.put("VIGIL_STATE_BACKEND", "rocksdb");
        env.put("VIGIL_ALLOWED_ORIGINS", "https://ops.example.com, http://localhost:3000");
        env.put("VIGIL_SINK_DIR", "/var/lib/vigil-sinks");
        env.put("VIGIL_WEBHOOK_ALLOWED_HOSTS", "loopback");
        env.put("VIGIL_WEBHOOK_DENIED_HOSTS", "private,*.internal");
        env.put("VIGIL_MAX_NESTING_DEPTH", "11");
        env.put("VIGIL_MAX_REPEAT_COUNT", "12");
        env.put("VIGIL_MAX_NFA_STATES", "13");
        env.put("VIGIL_MAX_NFA_TRANSITIONS", "14");
        env.put("VIGIL_COMPILE_TIMEOUT", "15ms");
        env.put("VIGIL_COMPILE_THREADS", "3");
        env.put("VIGIL_BACKTEST_TIMEOUT", "16");
        env.put("VIGIL_BACKTEST_MAX_EVENTS", "17");
        env.put("VIGIL_MAX_WORK_PER_EVENT", "5000");
        env.put("VIGIL_STUCK_SHARD_AFTER", "PT0.2S");
        env.put("VIGIL_MAX_KEYS", "1000");
        env.put("VIGIL_MAX_KEYS_PER_RULE", "600");
        env.put("VIGIL_KAFKA_BOOTSTRAP", "k1:9092,k2:9092");
        env.put("VIGIL_HEAP_PAUSE_PERCENT", "0");
        env.put("VIGIL_HEAP_RESUME_PERCENT", "0");
        env.put("VIGIL_LOG_FORMAT", "json");
        env.put("VIGIL_LOG_LEVEL", "debug");
        env.put("VIGIL_ACCESS_LOG", "off");
        assertEquals(new ServerConfig("::1", 0, Path.of("my-rules"), 7, 100, 200, Path.of("/var/lib/vigil"),
                List.of(), 300, 4, 50, 3, 0, 2_500, List.of(), null, Durability.DEFAULT, 0, null,
                new LogRetention(3_600_000, 0), ServerConfig.StateBackend.ROCKSDB, new ServerConfig.Security(
                        List.of("https://ops.example.com:443", "http://localhost:3000"),
                        Path.of("/var/lib/vigil-sinks"), List.of("loopback"), List.of("private", "*.internal")),
                new ServerConfig.RuleWork(new CompileLimits(11, 12, 13, 14, 15), 3, 16, 17),
                new ServerConfig.Work(5_000, 200), new MemoryLimits(1_000, 600, 0, 0),
                new ServerConfig.Kafka("k1:9092,k2:9092", Map.of()), new ServerConfig.Logs("json", "debug", false)),
                serve(env));
    }

    @Test
    void everyKeyHasItsFlag() throws Exception {
        assertEquals(new ServerConfig("::1", 0, Path.of("r"), 7, 100, 200, Path.of("d"), List.of(), 300, 4, 50, 5,
                        5_000, 900, List.of(), null, Durability.DEFAULT, 60_000, "nightly",
                        new LogRetention(1_000, 5_000_000), ServerConfig.StateBackend.ROCKSDB,
                        new ServerConfig.Security(List.of("http://127.0.0.1:3000"), Path.of("s"),
                                List.of("10.1.2.3", "hooks.internal"), List.of("10.0.0.0/8")),
                        new ServerConfig.RuleWork(new CompileLimits(21, 22, 23, 24, 25), 4, 26, 27),
                        new ServerConfig.Work(7_000, 300), new MemoryLimits(2_000, 700, 60, 50),
                        new ServerConfig.Kafka("k:9092", Map.of(), new ServerConfig.KafkaSource(
                                Map.of("cards", "", "logins", "auth"), "g", "dead", "latest")),
                        new ServerConfig.Logs("json", "warn", false)),
                serve(Map.of(), "--host", "::1", "--port", "0", "--rules", "r", "--data", "d",
                        "--allowed-origins", "http://127.0.0.1:3000", "--sink-dir", "s",
                        "--webhook-allowed-hosts", "10.1.2.3,hooks.internal", "--webhook-denied-hosts", "10.0.0.0/8",
                        "--max-nesting-depth", "21", "--max-repeat-count", "22", "--max-nfa-states", "23",
                        "--max-nfa-transitions", "24", "--compile-timeout", "25ms", "--compile-threads", "4",
                        "--backtest-timeout", "26", "--backtest-max-events", "27",
                        "--queue-capacity", "7", "--body-limit-bytes", "100", "--frame-limit-bytes", "200",
                        "--rule-text-limit-bytes", "300", "--max-rules", "4", "--max-events-per-batch", "50",
                        "--shards", "5", "--source-idle-timeout", "900ms",
                        "--watermark-delay", "5s", "--checkpoint-interval", "1m",
                        "--from-savepoint", "nightly", "--log-retention", "1s",
                        "--log-retention-bytes", "5000000", "--state-backend", "rocksdb",
                        "--max-work-per-event", "7000", "--stuck-shard-after", "300ms", "--max-keys", "2000",
                        "--max-keys-per-rule", "700", "--heap-pause-percent", "60", "--heap-resume-percent", "50",
                        "--kafka-bootstrap", "k:9092", "--kafka-topics", "cards,logins=auth", "--kafka-group", "g",
                        "--kafka-dead-letter-topic", "dead", "--kafka-start-from", "latest",
                        "--log-format", "json", "--log-level", "warn",
                        "--access-log", "off"));
    }

    @Test
    void allowedOriginsComeAsTextOrArraysAndAreNormalized() throws Exception {
        assertEquals(ServerConfig.Security.DEFAULT, serve(Map.of()).security());
        Path file = configFile("{\"allowedOrigins\": [\"https://ops.example.com:8443\", \"HTTP://Localhost\"]}");
        assertEquals(List.of("https://ops.example.com:8443", "http://localhost:80"),
                serve(Map.of("VIGIL_CONFIG", file.toString())).security().allowedOrigins());
        assertEquals("--allowed-origins: allowedOrigins: 'ops.example.com' is not an origin: http:// or https://, a "
                + "host and an optional port, nothing after",
                problem(Map.of(), "--allowed-origins", "ops.example.com"));
        assertEquals(file + ": key 'allowedOrigins': allowedOrigins must be a comma-separated list (in the "
                + "file, a string or an array of strings), got [1]", problem(Map.of("VIGIL_CONFIG",
                configFile("{\"allowedOrigins\": [1]}").toString())));
    }

    @Test
    void sinkFolderAndWebhookHostsAreSafeByDefaultAndListsComeAsTextOrArrays() throws Exception {
        ServerConfig defaults = serve(Map.of());
        assertEquals(Path.of("data/sinks"), defaults.security().sinkFolder(defaults.dataDir()));
        assertEquals(List.of(), defaults.security().webhookAllowedHosts());
        Path file = configFile("{\"sinkDir\": \"out\", \"webhookAllowedHosts\": \"loopback, [::1]\", "
                + "\"webhookDeniedHosts\": [\"private\"]}");
        assertEquals(new ServerConfig.Security(List.of(), dir.resolve("out"), List.of("loopback", "[::1]"),
                List.of("private")), serve(Map.of("VIGIL_CONFIG", file.toString())).security());
        assertEquals("environment variable VIGIL_WEBHOOK_ALLOWED_HOSTS: webhookAllowedHosts: '10.0.0.0/33' has no "
                + "valid prefix length (0..32)", problem(Map.of("VIGIL_WEBHOOK_ALLOWED_HOSTS", "10.0.0.0/33")));
        assertEquals(file + ": key 'webhookDeniedHosts': webhookDeniedHosts must be a comma-separated list (in the "
                + "file, a string or an array of strings), got [1]", problem(Map.of("VIGIL_CONFIG",
                configFile("{\"webhookDeniedHosts\": [1]}").toString())));
    }

    @Test
    void stateBackendIsHeapUnlessRocksDbIsChosen() throws Exception {
        assertEquals(ServerConfig.StateBackend.HEAP, serve(Map.of()).stateBackend());
        assertEquals(ServerConfig.StateBackend.ROCKSDB,
                serve(Map.of("VIGIL_CONFIG", configFile("{\"stateBackend\": \"rocksdb\"}").toString()))
                        .stateBackend());
        assertEquals("--state-backend: stateBackend must be heap or rocksdb, got \"disk\"",
                problem(Map.of(), "--state-backend", "disk"));
    }

    /** On rocksdb a key leaves about 100 B on the heap: the default bound is half the heap at 128 B a key. */
    @Test
    void keyBoundsDefaultToWhatAKeyLeavesOnTheHeapOnRocksDbUnlessGiven() throws Exception {
        ServerConfig rocksdb = serve(Map.of(), "--state-backend", "rocksdb");
        long expected = Runtime.getRuntime().maxMemory() / 128 / 2;
        assertEquals(Math.min(Integer.MAX_VALUE, expected), rocksdb.memory().maxKeys());
        assertEquals(rocksdb.memory().maxKeys(), rocksdb.memory().maxKeysPerRule());
        assertEquals(16 * (long) serve(Map.of()).memory().maxKeys(), rocksdb.memory().maxKeys(), 16);
        ServerConfig given = serve(Map.of("VIGIL_MAX_KEYS", "2000"), "--state-backend", "rocksdb");
        assertEquals(2_000, given.memory().maxKeys());
        assertEquals(rocksdb.memory().maxKeysPerRule(), given.memory().maxKeysPerRule());
    }

    @Test
    void keyBoundsDefaultToTheHeapAndHeapPercentagesAreChecked() throws Exception {
        ServerConfig defaults = serve(Map.of());
        long expected = Runtime.getRuntime().maxMemory() / 2_048 / 2;
        assertEquals(Math.min(Integer.MAX_VALUE, expected), defaults.memory().maxKeys());
        assertEquals(defaults.memory().maxKeys(), defaults.memory().maxKeysPerRule());
        assertEquals(90, defaults.memory().heapPausePercent());
        assertEquals(80, defaults.memory().heapResumePercent());
        assertEquals("--heap-pause-percent: heapPausePercent must be an integer in 0..100, got 101",
                problem(Map.of(), "--heap-pause-percent", "101"));
        assertEquals("heapResumePercent (85) must be below heapPausePercent (85), so that a pause ends only once "
                + "memory was freed", problem(Map.of("VIGIL_HEAP_RESUME_PERCENT", "85"), "--heap-pause-percent", "85"));
        assertEquals("--max-keys: maxKeys must be an integer in 1.." + Integer.MAX_VALUE + ", got 0",
                problem(Map.of(), "--max-keys", "0"));
    }

    @Test
    void theLimitsComeFromTheFileLikeEveryOtherKey() throws Exception {
        Path file = configFile("{\"ruleTextLimitBytes\": 1000, \"maxRules\": 3, \"maxEventsPerBatch\": 20}");
        ServerConfig config = serve(Map.of("VIGIL_MAX_RULES", "5"), "--config", file.toString());
        assertEquals(1000, config.ruleTextLimitBytes(), "file over default");
        assertEquals(5, config.maxRules(), "environment over file");
        assertEquals(20, config.maxEventsPerBatch(), "file over default");
    }

    @Test
    void tokensAreNotAConfigurationFileKey() throws Exception {
        Path file = configFile("{\"tokens\": \"admin:secret\"}");
        String problem = problem(Map.of(), "--config", file.toString());
        assertTrue(problem.startsWith(file + ": unknown key 'tokens'"), problem);
        assertFalse(problem.contains("secret"), problem);
    }

    @Test
    void relativePathsInTheFileAreRelativeToItsFolder() throws Exception {
        Path file = configFile("{\"rules\": \"rules\", \"data\": \"/srv/vigil\"}");
        ServerConfig config = serve(Map.of(), "--config", file.toString());
        assertEquals(dir.toAbsolutePath().resolve("rules"), config.rulesDir());
        assertEquals(Path.of("/srv/vigil"), config.dataDir());
    }

    @Test
    void aYamlFileIsReadLikeJson() throws Exception {
        Path file = dir.resolve("vigil.yaml");
        Files.writeString(file, """
                # the same keys as the JSON file
                port: 9200
                rules: my-rules
                shards: 3
                sourceIdleTimeoutMs: 4000
                """, StandardCharsets.UTF_8);
        ServerConfig config = serve(Map.of(), "--config", file.toString());
        assertEquals(9200, config.port());
        assertEquals(dir.resolve("my-rules"), config.rulesDir(), "relative to the file's folder");
        assertEquals(3, config.shards());
        assertEquals(4_000, config.sourceIdleTimeoutMs());
    }

    @Test
    void yamlMistakesNameTheFileAndThePlace() throws Exception {
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, "port: 9200\n  rules: [unclosed\n", StandardCharsets.UTF_8);
        String message = problem(Map.of(), "--config", broken.toString());
        assertTrue(message.startsWith(broken + ": not valid YAML at line "), message);
        Path wrongType = dir.resolve("wrong.yaml");
        Files.writeString(wrongType, "port: eighty\n", StandardCharsets.UTF_8);
        assertEquals(wrongType + ": key 'port': port must be an integer in 0..65535, got \"eighty\"",
                problem(Map.of(), "--config", wrongType.toString()));
    }

    @Test
    void tlsNeedsBothTheCertificateAndTheKey() throws Exception {
        assertEquals("tlsCert and tlsKey go together: tlsCert is set, tlsKey is not",
                problem(Map.of(), "--tls-cert", "cert.pem"));
        ServerConfig config = serve(Map.of("VIGIL_TLS_KEY", "key.pem"), "--tls-cert", "cert.pem");
        assertEquals(new ServerConfig.Tls(Path.of("cert.pem"), Path.of("key.pem")), config.tls());
        assertEquals(null, serve(Map.of()).tls(), "plain HTTP by default");
    }

    @Test
    void theEnvironmentCanNameTheFile() throws Exception {
        Path file = configFile("{\"port\": 9100}");
        assertEquals(9100, serve(Map.of("VIGIL_CONFIG", file.toString())).port());
    }

    @Test
    void anUnknownKeyIsNamedWithTheFile() throws Exception {
        Path file = configFile("{\"port\": 9000, \"prot\": 1}");
        assertEquals(file + ": unknown key 'prot'; known keys are host, port, rules, data, queueCapacity, "
                + "bodyLimitBytes, frameLimitBytes, ruleTextLimitBytes, maxRules, maxEventsPerBatch, tlsCert, "
                + "tlsKey, shards, watermarkDelay, sourceIdleTimeout, checkpointInterval, logRetention, "
                + "logRetentionBytes, durability, ackAfter, minFreeDiskMb, stateBackend, allowedOrigins, sinkDir, "
                + "webhookAllowedHosts, webhookDeniedHosts, kafkaBootstrap, kafkaTopics, kafkaGroup, "
                + "kafkaDeadLetterTopic, kafkaStartFrom, maxNestingDepth, "
                + "maxRepeatCount, maxNfaStates, maxNfaTransitions, compileTimeout, compileThreads, "
                + "backtestTimeout, backtestMaxEvents, maxWorkPerEvent, stuckShardAfter, maxKeys, maxKeysPerRule, "
                + "heapPausePercent, heapResumePercent, maxProducers, logFormat, logLevel, accessLog, sinks, kafkaProperties",
                problem(Map.of(), "--config", file.toString()));
    }

    @Test
    void aWrongTypeInTheFileIsNamedWithKeyAndFile() throws Exception {
        Path file = configFile("{\"port\": \"8080\"}");
        assertEquals(file + ": key 'port': port must be an integer in 0..65535, got \"8080\"",
                problem(Map.of(), "--config", file.toString()));
        file = configFile("{\"rules\": 3}");
        assertEquals(file + ": key 'rules': rules must be a path (a string), got 3",
                problem(Map.of(), "--config", file.toString()));
        file = configFile("{\"queueCapacity\": 1.5}");
        assertEquals(file + ": key 'queueCapacity': queueCapacity must be an integer in 1..2147483647, got 1.5",
                problem(Map.of(), "--config", file.toString()));
    }

    @Test
    void outOfRangeValuesAreNamedWithTheirSource() {
        assertEquals("environment variable VIGIL_PORT: port must be an integer in 0..65535, got 70000",
                problem(Map.of("VIGIL_PORT", "70000")));
        assertEquals("--queue-capacity: queueCapacity must be an integer in 1..2147483647, got 0",
                problem(Map.of(), "--queue-capacity", "0"));
        assertEquals("--port: port must be an integer in 0..65535, got \"http\"",
                problem(Map.of(), "--port", "http"));
    }

    @Test
    void shardsBeyondWhatTheRoutingAddressesAreRefusedNamingTheBound() {
        assertEquals("--shards: shards must be an integer in 1..64, got 100", problem(Map.of(), "--shards", "100"));
        assertEquals("environment variable VIGIL_SHARDS: shards must be an integer in 1..64, got 0",
                problem(Map.of("VIGIL_SHARDS", "0")));
    }

    @Test
    void everyDurationIsWrittenTheSameWayAndTheFormerNamesInMillisecondsStillWork() throws Exception {
        Path file = configFile("{\"stuckShardAfter\": \"1m\", \"backtestTimeoutMs\": 2500, \"compileTimeout\": 700}");
        ServerConfig config = serve(Map.of("VIGIL_LOG_RETENTION", "PT1H", "VIGIL_SOURCE_IDLE_TIMEOUT_MS", "1500"),
                "--config", file.toString(), "--checkpoint-interval", "5s", "--watermark-delay", "500ms");
        assertEquals(5_000, config.checkpointIntervalMs());
        assertEquals(500, config.watermarkDelayMs());
        assertEquals(3_600_000, config.logRetention().retentionMs());
        assertEquals(1_500, config.sourceIdleTimeoutMs(), "VIGIL_SOURCE_IDLE_TIMEOUT_MS, deprecated, still read");
        assertEquals(60_000, config.work().stuckShardMs());
        assertEquals(2_500, config.ruleWork().backtestTimeoutMs(), "backtestTimeoutMs in the file, in milliseconds");
        assertEquals(700, config.ruleWork().compile().compileTimeoutMs(), "a bare number is milliseconds");
        assertEquals(10_000, serve(Map.of(), "--checkpoint-interval-ms", "10000").checkpointIntervalMs());

        assertEquals("--checkpoint-interval: checkpointInterval must be " + dev.vigil.connectors.Durations.SYNTAX
                + ", got \"soon\"", problem(Map.of(), "--checkpoint-interval", "soon"));
        assertEquals("--stuck-shard-after: stuckShardAfter must be " + dev.vigil.connectors.Durations.SYNTAX
                + ", above 0, got 0s", problem(Map.of(), "--stuck-shard-after", "0s"));
        assertEquals("--checkpoint-interval and --checkpoint-interval-ms name the same setting "
                + "(--checkpoint-interval-ms is its deprecated name, in milliseconds); give --checkpoint-interval only",
                problem(Map.of(), "--checkpoint-interval", "5s", "--checkpoint-interval-ms", "5000"));
        Path both = configFile("{\"logRetention\": \"1d\", \"logRetentionMs\": 86400000}");
        assertTrue(problem(Map.of(), "--config", both.toString()).startsWith("logRetention and logRetentionMs name the "
                + "same setting"));
    }

    @Test
    void theHelpTableKeepsItsColumnsApartAndNoHelpLineIsCutMidWord() {
        StringWriter out = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("serve", "--help"));
        String help = out.toString();
        for (ConfigKey key : ConfigResolver.KEYS) {
            java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^  " + key.key() + "( +)"
                    + key.env() + "( +)" + key.flag() + "$").matcher(help);
            assertTrue(row.find(), "a row of three columns for " + key.key() + ":\n" + help);
            assertTrue(row.group(1).length() >= 2 && row.group(2).length() >= 2, row.group());
        }
        assertTrue(help.contains("https://hooks.example.com/fraud"), "the example URL in one piece:\n" + help);
        assertTrue(help.contains("docs/api.md, Sinks") && help.contains("docs/security.md.")
                        && help.contains("'https://...'"),
                "paths and URLs are not cut at their dots, colons or slashes:\n" + help);
        int width = cli.getSubcommands().get("serve").getUsageHelpWidth();
        for (String line : help.split("\n")) {
            assertTrue(line.length() <= width, "a line longer than the help's " + width + " columns: " + line);
        }
        assertFalse(help.contains("--checkpoint-interval-ms"), "deprecated names are not offered as options");
        assertTrue(help.contains("checkpointIntervalMs"), "but are named as still read");
    }

    @Test
    void aFileThatIsNotAJsonObjectOrIsMissingIsAnError() throws Exception {
        Path file = configFile("port: 8080");
        assertTrue(problem(Map.of(), "--config", file.toString()).startsWith(file + ": not a JSON object"));
        String broken = problem(Map.of(), "--config", configFile("{\"port\": 8080,}").toString());
        assertTrue(broken.contains("not valid JSON: column "), broken);
        assertFalse(broken.contains("Source") || broken.contains("REDACTED") || broken.contains("Failed to decode"),
                "the JSON parser's insides do not reach the user: " + broken);
        Path missing = dir.resolve("absent.json");
        assertEquals(missing + ": no such configuration file", problem(Map.of(), "--config", missing.toString()));
    }

    @Test
    void serveExitsWithStatus2AndNoStackTraceOnABadConfiguration() throws Exception {
        Path file = configFile("{\"bodyLimitBytes\": -1}");
        StringWriter err = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("serve", "--config", file.toString());
        assertEquals(2, exit);
        assertEquals("vigil serve: " + file + ": key 'bodyLimitBytes': bodyLimitBytes must be an integer in 1.."
                + Long.MAX_VALUE + ", got -1\n", err.toString().replace("\r\n", "\n"));
        assertFalse(err.toString().contains("Exception"));
    }

    @Test
    void helpDocumentsEveryKeyVariableAndFlag() {
        StringWriter out = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("serve", "--help"));
        for (ConfigKey key : ConfigResolver.KEYS) {
            assertTrue(out.toString().contains(key.key()), key.key());
            assertTrue(out.toString().contains(key.env()), key.env());
            assertTrue(out.toString().contains(key.flag()), key.flag());
        }
        assertTrue(out.toString().contains("--config") && out.toString().contains("VIGIL_CONFIG"));
    }
}
