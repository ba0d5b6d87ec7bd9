package dev.vigil.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The comparison's results as Markdown tables, with the notes that explain rows which are not plain numbers. */
final class Table {
    private final List<String> rows = new ArrayList<>();
    private final Set<String> notes = new LinkedHashSet<>();

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void addScenario(Workload workload, int keys, int events, Map<String, Map<String, String>> results) {
        Map<String, String> vigil = results.get("vigil");
        Map<String, String> flink = results.get("flink");
        Map<String, String> floor = results.get("floor");
        for (Map.Entry<String, Map<String, String>> entry : results.entrySet()) {
            String engine = entry.getKey();
            Map<String, String> result = entry.getValue();
            String head = String.format("| %s | %,d | %,d | %s | ", workload, keys, events, engine);
            if (!ok(result)) {
                String reason = result.get("status").equals("cannot") ? "cannot run" : "failed";
                notes.add(String.format("%s, %s: %s: %s", workload, engine, reason, result.get("reason")));
                rows.add(head + reason + " | | | | | | | | |");
                continue;
            }
            rows.add(head + String.join(" | ",
                    count(result.get("median")), count(result.get("min")), count(result.get("max")),
                    count(result.get("matches")), sameMatches(workload, engine, result, flink),
                    mebibytes(result.get("peakHeap")), ratio(vigil, result, engine), share(result, floor)) + " |");
        }
    }

    private String sameMatches(Workload workload, String engine, Map<String, String> result,
            Map<String, String> flink) {
        if (engine.equals("flink")) {
            return "reference";
        }
        if (!result.getOrDefault("differs", "").isEmpty()) {
            notes.add(String.format("%s, %s: other matches by design: %s", workload, engine, result.get("differs")));
            return "differs (note)";
        }
        if (!ok(flink)) {
            return "not checked";
        }
        boolean same = result.get("matches").equals(flink.get("matches"))
                && result.get("fingerprint").equals(flink.get("fingerprint"));
        return same ? "yes" : "**NO**";
    }

    void addTenths(Workload workload, int keys, Map<String, Map<String, String>> results) {
        for (Map.Entry<String, Map<String, String>> entry : results.entrySet()) {
            Map<String, String> result = entry.getValue();
            if (ok(result)) {
                double first = Double.parseDouble(result.get("firstTenth"));
                double last = Double.parseDouble(result.get("lastTenth"));
                rows.add(String.format("| %s | %,d | %s | %s | %s | %.2f |", workload, keys, entry.getKey(),
                        count(result.get("firstTenth")), count(result.get("lastTenth")), last / first));
            }
        }
    }

    String throughputMarkdown() {
        return "| workload | keys | events | engine | events/s (median) | min | max | matches | same matches as Flink CEP"
                + " | peak heap | Vigil ÷ engine | share of floor |\n"
                + "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n"
                + String.join("\n", rows) + "\n" + notesMarkdown();
    }

    String tenthsMarkdown() {
        return "| workload | keys | engine | first 10%, events/s | last 10%, events/s | last ÷ first |\n"
                + "| --- | ---: | --- | ---: | ---: | ---: |\n" + String.join("\n", rows) + "\n";
    }

    /** A row of the RocksDB table: Vigil on RocksDB against Vigil on the heap, same scenario. */
    static String rocksDbRow(Workload workload, int keys, int events, Map<String, String> heap,
            Map<String, String> rocksDb) {
        String head = String.format("| %s | %,d | %,d | %s | ", workload, keys, events,
                ok(heap) ? count(heap.get("median")) : "failed");
        if (!ok(rocksDb)) {
            return head + "failed: " + rocksDb.get("reason") + " | | | | | |\n";
        }
        String ratio = ok(heap) ? String.format("%.2f", Double.parseDouble(rocksDb.get("median"))
                / Double.parseDouble(heap.get("median"))) : "";
        String same = !ok(heap) ? "not checked"
                : rocksDb.get("matches").equals(heap.get("matches"))
                        && rocksDb.get("fingerprint").equals(heap.get("fingerprint")) ? "yes" : "**NO**";
        return head + String.join(" | ", count(rocksDb.get("median")), count(rocksDb.get("min")),
                count(rocksDb.get("max")), ratio, count(rocksDb.get("matches")), same) + " |\n";
    }

    static String memoryMarkdown(Map<String, Map<String, String>> results) {
        Map<String, String> vigil = results.get("vigil");
        StringBuilder table = new StringBuilder("| engine | bytes per key | Vigil ÷ engine |\n| --- | ---: | ---: |\n");
        for (Map.Entry<String, Map<String, String>> entry : results.entrySet()) {
            Map<String, String> result = entry.getValue();
            if (!ok(result)) {
                table.append(String.format("| %s | failed: %s | |%n", entry.getKey(), result.get("reason")));
                continue;
            }
            double bytes = Double.parseDouble(result.get("bytesPerKey"));
            String ratio = ok(vigil) && !entry.getKey().equals("vigil")
                    ? String.format("%.2f", Double.parseDouble(vigil.get("bytesPerKey")) / bytes) : "";
            table.append(String.format("| %s | %,.0f | %s |%n", entry.getKey(), bytes, ratio));
        }
        return table.toString();
    }

    private String notesMarkdown() {
        if (notes.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("\nNotes:\n\n");
        for (String note : notes) {
            text.append("- ").append(note).append('\n');
        }
        return text.toString();
    }

    private static boolean ok(Map<String, String> result) {
        return result != null && "ok".equals(result.get("status"));
    }

    private static String ratio(Map<String, String> vigil, Map<String, String> result, String engine) {
        if (engine.equals("vigil") || !ok(vigil)) {
            return "";
        }
        return String.format("%.2f×", Double.parseDouble(vigil.get("median")) / Double.parseDouble(result.get("median")));
    }

    private static String share(Map<String, String> result, Map<String, String> floor) {
        if (!ok(floor)) {
            return "";
        }
        return String.format("%.1f%%", 100 * Double.parseDouble(result.get("median"))
                / Double.parseDouble(floor.get("median")));
    }

    private static String count(String number) {
        return String.format("%,d", Math.round(Double.parseDouble(number)));
    }

    private static String mebibytes(String bytes) {
        return String.format("%,d MiB", Long.parseLong(bytes) >> 20);
    }
}
