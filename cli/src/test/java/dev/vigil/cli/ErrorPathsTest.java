package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ConfigKey;
import dev.vigil.server.config.ConfigResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's mistakes a user can make (a bad value for each option with a bound, a missing file, a folder
 * where a file belongs, an unknown option) end with exit status 2 and a plain message that names the option or
 * the file: never {@code internal error}, never a stack trace. Every option of every command that takes a value
 * is exercised (or listed as free text, where no value is wrong), so a new option without a case fails here.
 */
class ErrorPathsTest {
    /** Options whose every value is acceptable here (names, tokens, filters the server checks). */
    private static final Set<String> FREE_TEXT = Set.of("send --source", "send --token", "watch --token",
            "watch --rule", "watch --severity", "watch --key", "watch --after", "bench --token", "bench --seed",
            "backtest --rule", "flink --from-savepoint");

    @TempDir
    Path dir;

    /** A mistake: the arguments, and what the message must say. */
    private record Mistake(List<String> args, String says) {
        static Mistake of(String says, String... args) {
            return new Mistake(List.of(args), says);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)   // some 150 commands: 1.5 s on an idle machine, 75 s under load 14
    void everyMistakeIsAPlainMessageWithStatus2() throws IOException {
        List<String> failures = new ArrayList<>();
        Set<String> exercised = new TreeSet<>();
        for (Mistake mistake : mistakes()) {
            CliRun run = CliRun.of(mistake.args().toArray(String[]::new));
            String err = run.err();
            String what = String.join(" ", mistake.args());
            if (run.exit() != 2 || err.contains("internal error") || err.contains("Exception") || err.contains("\tat ")
                    || !err.contains(mistake.says())) {
                failures.add(what + "\n  exit " + run.exit() + ", expected 2 and a message with '" + mistake.says()
                        + "'; stderr:\n" + err.indent(4));
            }
            if (mistake.args().size() > 1 && mistake.args().get(1).startsWith("--")) {
                exercised.add(mistake.args().get(0) + " " + mistake.args().get(1));
            }
            for (String arg : mistake.args()) {
                if (arg.startsWith("--")) {
                    exercised.add(mistake.args().get(0) + " " + arg);
                }
            }
        }
        assertEquals(List.of(), failures, failures.size() + " mistakes were not answered plainly:\n"
                + String.join("\n", failures));

        List<String> untried = new ArrayList<>();
        CommandLine vigil = Vigil.commandLine();
        for (Map.Entry<String, CommandLine> command : vigil.getSubcommands().entrySet()) {
            for (OptionSpec option : command.getValue().getCommandSpec().options()) {
                String name = command.getKey() + " " + option.longestName();
                if (option.arity().max() > 0 && !option.usageHelp() && !option.versionHelp()
                        && !exercised.contains(name) && !FREE_TEXT.contains(name)) {
                    untried.add(name);
                }
            }
        }
        assertEquals(List.of(), untried, "options with no wrong value tried here");
    }

    @Test
    void anUnknownOptionOrCommandIsNamed() throws IOException {
        String rules = Files.writeString(dir.resolve("r.cep"), "RULE r FROM s PATTERN a DEFINE a AS TRUE;\n")
                .toString();
        // what each command needs besides, so that the unknown option is the one mistake
        Map<String, List<String>> required = Map.of("check", List.of(rules), "explain", List.of(rules),
                "test", List.of(rules), "run", List.of("--rules", rules), "backtest", List.of("--data", dir.toString(), "--rule", "r"),
                "repair-log", List.of("--data", dir.toString()), "flink", List.of("job-argument"));
        List<String> failures = new ArrayList<>();
        for (String command : Vigil.commandLine().getSubcommands().keySet()) {
            if (command.equals("help") || command.equals("generate-completion")) {
                continue;   // picocli's own: they take no options and ignore what they are given (exit 0)
            }
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(required.getOrDefault(command, List.of()));
            args.add("--no-such-option");
            CliRun run = CliRun.of(args.toArray(String[]::new));
            if (run.exit() != 2 || !run.err().contains("--no-such-option") || run.err().contains("Exception")) {
                failures.add(command + ": exit " + run.exit() + "\n" + run.err());
            }
        }
        assertEquals(List.of(), failures);
        CliRun unknown = CliRun.of("serv");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("'serv'"), unknown.err());
        assertFalse(unknown.err().contains("Exception"), unknown.err());
    }

    private List<Mistake> mistakes() throws IOException {
        Path rules = Files.writeString(dir.resolve("r.cep"),
                "RULE r FROM s PARTITION BY k PATTERN a DEFINE a AS TRUE;\n");
        Path events = Files.writeString(dir.resolve("e.ndjson"), "{\"stream\":\"s\",\"ts\":1,\"k\":\"x\"}\n");
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Path missing = dir.resolve("missing.ndjson");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "no certificate here\n");
        Path recorded = Files.createDirectories(dir.resolve("recorded").resolve("ingest")).getParent();
        String r = rules.toString();
        String f = folder.toString();
        String m = missing.toString();
        String noServer = "http://127.0.0.1:9";   // validation comes before any connection
        List<Mistake> mistakes = new ArrayList<>();
        for (String command : List.of("check", "explain", "test")) {
            mistakes.add(Mistake.of("no such file", command, m));
            mistakes.add(Mistake.of(f + ": is a folder", command, f));
            compileLimitMistakes(mistakes, command, r);   // with a file, so the options are what is wrong
        }
        mistakes.addAll(List.of(
                Mistake.of(f + ": is a folder", "run", "--rules", f, "--events", events.toString()),
                Mistake.of(f + ": is a folder, not a file", "run", "--rules", r, "--events", f),
                Mistake.of(m + ": no such file", "run", "--rules", r, "--events", m),
                Mistake.of("--max-line-bytes must be at least 1, got 0", "run", "--rules", r, "--max-line-bytes", "0"),
                Mistake.of(f + ": is a folder, not a file", "run", "--rules", r, "--events", events.toString(),
                        "--late", f),
                Mistake.of("no such folder", "run", "--rules", r, "--events", events.toString(), "--late",
                        dir.resolve("nowhere/late.ndjson").toString()),
                Mistake.of("--max-partial-matches must be at least 1", "run", "--rules", r, "--max-partial-matches",
                        "0"),
                Mistake.of("--max-work-per-event must be at least 1", "run", "--rules", r, "--max-work-per-event",
                        "0"),
                Mistake.of("--max-keys must be at least 1", "run", "--rules", r, "--max-keys", "-1"),
                Mistake.of("--max-keys", "run", "--rules", r, "--max-keys", "99999999999"),
                Mistake.of("'-5s' is not a duration", "run", "--rules", r, "--watermark-delay", "-5s"),
                Mistake.of("--time", "run", "--rules", r, "--time", "wall"),
                Mistake.of("--watermarks", "run", "--rules", r, "--watermarks", "often"),
                Mistake.of("--kafka-bootstrap needs --kafka-topics", "run", "--rules", r, "--kafka-bootstrap",
                        "localhost:9092"),
                Mistake.of("--kafka-topics needs --kafka-bootstrap", "run", "--rules", r, "--kafka-topics", "t"),
                Mistake.of("'t t' is not a topic name", "run", "--rules", r, "--kafka-bootstrap", "localhost:9092",
                        "--kafka-topics", "t t"),
                Mistake.of("--kafka-property", "run", "--rules", r, "--kafka-bootstrap", "localhost:9092",
                        "--kafka-topics", "t", "--kafka-property", "no-equals-sign"),
                Mistake.of("--kafka-timeout must be at least 1ms", "run", "--rules", r, "--kafka-bootstrap",
                        "localhost:9092", "--kafka-topics", "t", "--kafka-timeout", "0")));
        compileLimitMistakes(mistakes, "run", "--rules", r);

        mistakes.addAll(List.of(
                Mistake.of(m + ": no such file", "send", "--url", noServer, m),
                Mistake.of(f + ": is a folder, not a file", "send", "--url", noServer, f),
                Mistake.of("--batch must be at least 1, got 0", "send", "--batch", "0", events.toString()),
                Mistake.of("--producer: a batch's producer must be 1 to 64", "send", "--producer", "a b",
                        events.toString()),
                Mistake.of("--url ftp://x must look like", "send", "--url", "ftp://x", events.toString()),
                Mistake.of("--cacert " + m + ": no such file", "send", "--cacert", m, events.toString()),
                Mistake.of("--cacert " + notPem + ": ", "send", "--cacert", notPem.toString(), events.toString()),
                Mistake.of("--cacert and --insecure exclude each other", "send", "--cacert", notPem.toString(),
                        "--insecure", events.toString()),
                Mistake.of("--count must be at least 1, got 0", "watch", "--count", "0"),
                Mistake.of("give --after or --since, not both", "watch", "--after", "a1", "--since", "0"),
                Mistake.of("'soon' is not a time", "watch", "--since", "soon"),
                Mistake.of("--url nowhere must look like", "watch", "--url", "nowhere"),
                Mistake.of("--cacert " + m + ": no such file", "watch", "--url", noServer, "--cacert", m),
                Mistake.of("--cacert and --insecure exclude each other", "watch", "--cacert", notPem.toString(),
                        "--insecure"),
                Mistake.of("--cacert " + m + ": no such file", "bench", "--url", noServer, "--cacert", m),
                Mistake.of("--batch must be at least 1", "bench", "--url", noServer, "--batch", "0"),
                Mistake.of("--keys (0) must be at least --connections (1)", "bench", "--url", noServer, "--keys", "0"),
                Mistake.of("--connections must be at least 1", "bench", "--url", noServer, "--connections", "0"),
                Mistake.of("--in-flight must be at least 1", "bench", "--url", noServer, "--in-flight", "0"),
                Mistake.of("--rate must be 0", "bench", "--url", noServer, "--rate", "-1"),
                Mistake.of("--events must be at least 1", "bench", "--url", noServer, "--events", "-1"),
                Mistake.of("--duration must be longer than 0", "bench", "--url", noServer, "--duration", "0s"),
                Mistake.of("'-1s' is not a duration", "bench", "--url", noServer, "--warmup", "-1s"),
                Mistake.of("--url x must look like", "bench", "--url", "x"),
                Mistake.of("holds no ingest log", "backtest", "--data", m, "--rule", "r"),
                Mistake.of("holds no ingest log", "backtest", "--data", r, "--rule", "r"),
                Mistake.of(f + ": is a folder", "backtest", "--data", recorded.toString(), "--rule-file", f),
                Mistake.of("--limit must be at least 1", "backtest", "--data", f, "--rule", "r", "--limit", "0"),
                Mistake.of("--max-events must be at least 1", "backtest", "--data", f, "--rule", "r", "--max-events",
                        "0"),
                Mistake.of("--timeout must be at least 1ms", "backtest", "--data", f, "--rule", "r", "--timeout",
                        "0"),
                Mistake.of("--timeout and --timeout-ms", "backtest", "--data", f, "--rule", "r", "--timeout", "5s",
                        "--timeout-ms", "5000"),
                Mistake.of("'soon' is not a time", "backtest", "--data", f, "--rule", "r", "--from", "soon"),
                Mistake.of("--to must be later than --from", "backtest", "--data", f, "--rule", "r", "--from", "5",
                        "--to", "1"),
                Mistake.of("no ingest log in " + m, "repair-log", "--data", m),
                Mistake.of("no ingest log in " + r, "repair-log", "--data", r),
                Mistake.of("no job jar at " + m, "flink", "--jar", m, "--", "--rules", r),
                Mistake.of("--jobmanager ftp://x is not an http:// or https:// address", "flink", "--jobmanager",
                        "ftp://x", "--jar", r, "--", "--rules", r),
                Mistake.of("--parallelism 0: a job runs on at least 1 slot", "flink", "--parallelism", "0", "--jar",
                        r, "--", "--rules", r),
                Mistake.of("--timeout", "flink", "--timeout", "soon", "--jar", r, "--", "--rules", r),
                Mistake.of("--kafka-topics and --kafka-property need --kafka-bootstrap", "flink", "--kafka-topics",
                        "t", "--jar", r, "--", "--rules", r),
                Mistake.of("'t t' is not a topic name", "flink", "--kafka-bootstrap", "localhost:9092",
                        "--kafka-topics", "t t", "--jar", r, "--", "--rules", r),
                Mistake.of("--kafka-property", "flink", "--kafka-bootstrap", "localhost:9092", "--kafka-property",
                        "no-equals-sign", "--jar", r, "--", "--rules", r)));
        compileLimitMistakes(mistakes, "backtest", "--data", f, "--rule", "r");
        serveMistakes(mistakes, folder, missing, rules);
        return mistakes;
    }

    /** Each compile limit below its bound, and a duration that is none. */
    private static void compileLimitMistakes(List<Mistake> mistakes, String... command) {
        for (String limit : List.of("--max-nesting-depth", "--max-repeat-count", "--max-nfa-states",
                "--max-nfa-transitions")) {
            mistakes.add(mistake(limit + " must be at least 1, got 0", command, limit, "0"));
        }
        mistakes.add(mistake("--compile-timeout must be at least 1ms", command, "--compile-timeout", "0"));
        mistakes.add(mistake("'soon' is not a duration", command, "--compile-timeout-ms", "soon"));
        mistakes.add(mistake("--compile-timeout and --compile-timeout-ms", command, "--compile-timeout", "1s",
                "--compile-timeout-ms", "1000"));
    }

    private static Mistake mistake(String says, String[] command, String... more) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of(more));
        return new Mistake(args, says);
    }

    /**
     * Every setting of {@code serve} given a value out of its bounds (numbers below and above, durations that are
     * none, words that are not among the choices), the deprecated names too, and files that are not there.
     */
    private static void serveMistakes(List<Mistake> mistakes, Path folder, Path missing, Path file) {
        Map<String, String> wrongText = Map.ofEntries(Map.entry("host", " "), Map.entry("rules", ""),
                Map.entry("data", ""), Map.entry("tlsCert", ""), Map.entry("tlsKey", ""),
                Map.entry("durability", "sometimes"), Map.entry("ackAfter", "never"), Map.entry("stateBackend", "disk"),
                Map.entry("allowedOrigins", "ftp://x"), Map.entry("sinkDir", ""), Map.entry("kafkaBootstrap", " "),
                Map.entry("logFormat", "xml"), Map.entry("logLevel", "trace"), Map.entry("accessLog", "yes"),
                Map.entry("kafkaGroup", " "), Map.entry("kafkaDeadLetterTopic", " "),
                Map.entry("kafkaStartFrom", "soon"));
        Map<ConfigKey, String> keys = new java.util.LinkedHashMap<>();   // each name, and the setting it names
        for (ConfigKey key : ConfigResolver.KEYS) {
            keys.put(key, key.key());
            ConfigKey old = ConfigResolver.DEPRECATED_ALIASES.get(key.key());
            if (old != null) {
                keys.put(old, key.key());
            }
        }
        for (ConfigKey key : keys.keySet()) {
            List<String> values = new ArrayList<>();
            switch (key.kind()) {
                case PORT -> values.addAll(List.of("-1", "65536"));
                case POSITIVE_INT -> values.addAll(List.of("0", "2147483648"));
                case POSITIVE_LONG -> values.addAll(List.of("0", "9223372036854775808"));
                case NON_NEGATIVE_LONG -> values.addAll(List.of("-1", "9223372036854775808"));
                case PERCENT -> values.addAll(List.of("-1", "101"));
                case DURATION -> values.addAll(List.of("-1s", "soon", "999999999999d"));
                case POSITIVE_DURATION -> values.addAll(List.of("0", "0s", "PT0S", "soon"));
                case LIST -> values.add(key.key().startsWith("webhook") ? "http://x" : "ftp://x");
                default -> values.add(wrongText.get(key.key()));
            }
            if (key.key().equals("shards")) {
                values.add("100");   // the bound of the routing, narrower than the kind's
            }
            for (String value : values) {
                String says = key.flag() + ": " + keys.get(key)
                        + (key.kind() == ConfigKey.Kind.LIST ? ": " : " must be ");
                // should the value pass, the lone TLS key still stops the server before it starts (and hangs here)
                mistakes.add(key.key().startsWith("tls") ? Mistake.of(says, "serve", key.flag(), value)
                        : Mistake.of(says, "serve", key.flag(), value, "--tls-key", file.toString()));
            }
        }
        mistakes.addAll(List.of(
                Mistake.of("--checkpoint-interval and --checkpoint-interval-ms name the same setting", "serve",
                        "--checkpoint-interval", "5s", "--checkpoint-interval-ms", "5000"),
                Mistake.of(folder + ": is a folder, not a configuration file", "serve", "--config", folder.toString()),
                Mistake.of(missing + ": no such configuration file", "serve", "--config", missing.toString()),
                Mistake.of("data: " + file + " is a file, not a folder", "serve", "--data", file.toString(), "--port",
                        "0"),
                Mistake.of("rules: " + file + " is a file, not a folder", "serve", "--rules", file.toString(),
                        "--port", "0"),
                Mistake.of("tlsCert: " + missing + ": no such file", "serve", "--tls-cert", missing.toString(),
                        "--tls-key", file.toString(), "--port", "0"),
                Mistake.of("tlsKey: " + folder + ": is a folder", "serve", "--tls-cert", file.toString(),
                        "--tls-key", folder.toString(), "--port", "0"),
                Mistake.of("tlsCert and tlsKey go together", "serve", "--tls-key", file.toString()),
                Mistake.of("vigil serve: ", "serve", "--token", "no-role-here"),
                Mistake.of("cannot start from savepoint 'nope'", "serve", "--from-savepoint", "nope", "--data",
                        folder.resolve("data").toString(), "--rules", folder.toString(), "--port", "0")));
    }
}
