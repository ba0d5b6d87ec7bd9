package dev.vigil.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The side-by-side comparison in one command: every engine on every workload, each in its own JVM with the same
 * heap, one after another on the same generated events; then one table with medians, min and max, matches (checked
 * against Flink CEP's), peak heap and Vigil's ratio to each engine, and a second table of memory per key.
 *
 * <p>Options (all optional): {@code --engines vigil,flink,esper,floor}, {@code --scenarios W1:1000,W1:10000,...}
 * (workload:keys, or workload:keys:events for a scenario with its own event count), {@code --events 2000000}, {@code --warmup 2}, {@code --runs 5}, {@code --heap 4g}, {@code --memory-keys 100000}
 * ({@code 0} skips the memory table), {@code --rocksdb W1:10000,W1:1000000} (the scenarios of the RocksDB table,
 * {@code ""} skips it), {@code --seed 42}, {@code --out FILE} (the tables as Markdown, also printed),
 * {@code --child-minutes 20} (an engine's JVM still running then is stopped and its row says so: a workload that
 * does not fit the heap makes the JVM collect garbage for hours rather than fail), and the flag {@code --default-jvm}.
 *
 * <p>The children run in one of two JVM settings, and the report's first line says which. Tuned (the default):
 * {@code -Xms} = {@code -Xmx} = the heap, pre-touched ({@code -XX:+AlwaysPreTouch}), so no pass pays for page faults
 * in a young generation growing into fresh memory. With {@code --default-jvm}, as a user would start a JVM:
 * {@code -Xmx} only, G1 with its defaults, no pre-touch, and unless given otherwise one warm-up pass and three
 * measured ones, so the young generation's sizing and the JIT's warm-up show in the figures.
 */
public final class Compare {
    private static final String SCENARIOS =
            "W1:1000,W1:10000,W1:100000,W2:10000,W2:100000,W3:1000,W4:1000000:100000,W5:100000";

    /** The scenarios of the RocksDB table: W1 where it fits the heap easily, and at a million keys. */
    private static final String ROCKSDB_SCENARIOS = "W1:10000,W1:1000000";

    private final Map<String, String> options;

    private Compare(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Map<String, String> options = new LinkedHashMap<>();
        options.put("engines", String.join(",", Engines.NAMES));
        options.put("scenarios", SCENARIOS);
        options.put("events", "2000000");
        options.put("warmup", "2");
        options.put("runs", "5");
        options.put("heap", "4g");
        options.put("memory-keys", "100000");
        options.put("rocksdb", ROCKSDB_SCENARIOS);
        options.put("seed", "42");
        options.put("out", "");
        options.put("child-minutes", "20");
        options.put("default-jvm", "false");
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (name.equals("default-jvm")) {
                given.put(name, "true");
                continue;
            }
            if (!options.containsKey(name) || i + 1 == args.length) {
                System.err.println("usage: Compare [--name value]... [--default-jvm], names: " + options.keySet()
                        + "; bad argument: " + args[i]);
                System.exit(2);
            }
            given.put(name, args[++i]);
        }
        if (given.containsKey("default-jvm")) {
            options.put("warmup", "1");
            options.put("runs", "3");
        }
        options.putAll(given);
        new Compare(options).run();
    }

    private void run() throws Exception {
        List<String> engines = Arrays.asList(options.get("engines").split(","));
        for (String engine : engines) {
            Engines.byName(engine); // an unknown name fails before anything runs
        }
        int events = Integer.parseInt(options.get("events"));
        StringBuilder report = new StringBuilder();
        report.append(String.format("Side-by-side comparison, %s: %s events per workload (unless its row says"
                        + " otherwise), %s warm-up and %s measured runs per engine, each engine in its own JVM, %s:"
                        + " %s; Java %s on %s, %d cores.%n%n",
                LocalDate.now(), events, options.get("warmup"), options.get("runs"),
                defaultJvm() ? "a user's default JVM" : "tuned JVM", String.join(" ", heapOptions()),
                System.getProperty("java.version"), System.getProperty("os.name"),
                Runtime.getRuntime().availableProcessors()));
        Table throughput = new Table();
        Table tenths = new Table();
        for (String scenario : options.get("scenarios").split(",")) {
            String[] parts = scenario.split(":");
            Workload workload = Workload.valueOf(parts[0]);
            int keys = Integer.parseInt(parts[1]);
            int scenarioEvents = parts.length > 2 ? Integer.parseInt(parts[2]) : events;
            Map<String, Map<String, String>> results = new LinkedHashMap<>();
            for (String engine : engines) {
                results.put(engine, child(engine, workload.name(), parts[1], String.valueOf(scenarioEvents),
                        options.get("warmup"), options.get("runs"), options.get("seed")));
            }
            throughput.addScenario(workload, keys, scenarioEvents, results);
            if (workload == Workload.W3) {
                tenths.addTenths(workload, keys, results);
            }
        }
        report.append(throughput.throughputMarkdown());
        if (!tenths.isEmpty()) {
            report.append("\nW3 as the stream grows (events/s over the first and the last 10% of it):\n\n");
            report.append(tenths.tenthsMarkdown());
        }
        if (!options.get("rocksdb").isEmpty()) {
            report.append("\nVigil with its key state in RocksDB (`vigil-rocksdb`, a fresh database per run) against"
                    + " its heap state, each in its own JVM:\n\n");
            report.append(rocksDbTable(events));
        }
        int memoryKeys = Integer.parseInt(options.get("memory-keys"));
        if (memoryKeys > 0) {
            Map<String, Map<String, String>> memory = new LinkedHashMap<>();
            for (String engine : engines) {
                if (!engine.equals("floor")) {
                    memory.put(engine, child(engine, "--memory", String.valueOf(memoryKeys)));
                }
            }
            report.append(String.format("%nHeap retained per key holding one W1 partial match (%d keys, one A each):"
                    + "%n%n", memoryKeys));
            report.append(Table.memoryMarkdown(memory));
        }
        System.out.println();
        System.out.println(report);
        if (!options.get("out").isEmpty()) {
            Files.writeString(Path.of(options.get("out")), report.toString(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The RocksDB table: for each scenario of {@code --rocksdb} ({@code ""} skips it), Vigil on the heap and on
     * RocksDB, the same events; the matches must be the heap's, id for id (count and fingerprint).
     */
    private String rocksDbTable(int events) throws IOException, InterruptedException {
        StringBuilder table = new StringBuilder("| workload | keys | events | heap events/s (median) | RocksDB events/s"
                + " (median) | min | max | RocksDB ÷ heap | matches | same matches as the heap |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (String scenario : options.get("rocksdb").split(",")) {
            String[] parts = scenario.split(":");
            Workload workload = Workload.valueOf(parts[0]);
            String scenarioEvents = parts.length > 2 ? parts[2] : String.valueOf(events);
            Map<String, String> heap = child("vigil", workload.name(), parts[1], scenarioEvents,
                    options.get("warmup"), options.get("runs"), options.get("seed"));
            Map<String, String> rocksDb = child(Engines.VIGIL_ROCKSDB, workload.name(), parts[1], scenarioEvents,
                    options.get("warmup"), options.get("runs"), options.get("seed"));
            table.append(Table.rocksDbRow(workload, Integer.parseInt(parts[1]), Integer.parseInt(scenarioEvents),
                    heap, rocksDb));
        }
        return table.toString();
    }

    private boolean defaultJvm() {
        return Boolean.parseBoolean(options.get("default-jvm"));
    }

    /** The children's heap options, tuned or as a user would give them (see the class comment). */
    private List<String> heapOptions() {
        if (defaultJvm()) {
            return List.of("-Xmx" + options.get("heap"));
        }
        // Without pre-touching, a pass that runs after G1 grows the young generation into pages never used before
        // pays a page fault per fresh 4 KiB: Vigil's W1 passes went from ~0.9 to ~2.7 µs per event mid-run.
        // Pre-touching the whole heap up front takes that out of every engine alike.
        return List.of("-Xms" + options.get("heap"), "-Xmx" + options.get("heap"), "-XX:+AlwaysPreTouch");
    }

    /** Runs {@link CompareRun} in a new JVM and returns its RESULT figures, or a status saying why there are none. */
    private Map<String, String> child(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(heapOptions());
        command.addAll(List.of("-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                CompareRun.class.getName()));
        command.addAll(List.of(args));
        System.err.println("== " + String.join(" ", List.of(args)));
        Path out = Files.createTempFile("vigil-compare", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(out.toFile()).start();
            long minutes = Long.parseLong(options.get("child-minutes"));
            if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
                return Map.of("status", "failed", "reason", "did not finish in " + minutes + " minutes");
            }
            Map<String, String> result = new LinkedHashMap<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (line.startsWith("RESULT\t")) {
                    for (String field : line.substring(7).split("\t")) {
                        int eq = field.indexOf('=');
                        result.put(field.substring(0, eq), field.substring(eq + 1));
                    }
                } else {
                    System.err.println(line);
                }
            }
            if (process.exitValue() != 0 || result.isEmpty()) {
                return Map.of("status", "failed", "reason", "exit code " + process.exitValue() + " (log above)");
            }
            System.err.println("   " + result);
            return result;
        } finally {
            Files.delete(out);
        }
    }
}
