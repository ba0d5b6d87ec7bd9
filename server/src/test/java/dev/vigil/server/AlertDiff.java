package dev.vigil.server;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one alert log differs from another, id for id and regardless of order: the ids the actual log repeats, the
 * ones it lacks and the ones it has in excess. Alert ids are deterministic (rule, version, kind, key and the
 * sequence numbers of the alert's events), so two runs over the same input agree exactly when these are empty.
 *
 * @param repeated ids the actual log holds more than once, with how many times
 * @param missing expected alerts the actual log lacks
 * @param extra actual alerts whose id is not expected
 */
record AlertDiff(Map<String, Integer> repeated, List<JsonObject> missing, List<JsonObject> extra) {
    private static final int EXAMPLES = 5;

    AlertDiff {
        repeated = Map.copyOf(repeated);
        missing = List.copyOf(missing);
        extra = List.copyOf(extra);
    }

    static AlertDiff of(List<JsonObject> expected, List<JsonObject> actual) {
        Map<String, JsonObject> expectedById = byId(expected);
        Map<String, JsonObject> actualById = byId(actual);
        Map<String, Integer> counts = new HashMap<>();
        for (JsonObject alert : actual) {
            counts.merge(alert.getString("id"), 1, Integer::sum);
        }
        Map<String, Integer> repeated = new LinkedHashMap<>();
        counts.forEach((id, count) -> {
            if (count > 1) {
                repeated.put(id, count);
            }
        });
        List<JsonObject> missing = new ArrayList<>();
        expectedById.forEach((id, alert) -> {
            if (!actualById.containsKey(id)) {
                missing.add(alert);
            }
        });
        List<JsonObject> extra = new ArrayList<>();
        actualById.forEach((id, alert) -> {
            if (!expectedById.containsKey(id)) {
                extra.add(alert);
            }
        });
        return new AlertDiff(repeated, missing, extra);
    }

    /** The first alert of each id, in log order. */
    private static Map<String, JsonObject> byId(List<JsonObject> alerts) {
        Map<String, JsonObject> byId = new LinkedHashMap<>();
        for (JsonObject alert : alerts) {
            byId.putIfAbsent(alert.getString("id"), alert);
        }
        return byId;
    }

    boolean sameIds() {
        return missing.isEmpty() && extra.isEmpty();
    }

    /** "n missing, e.g. ..." and "n extra, e.g. ...", each example as rule, kind, key and fields. */
    String describeSets() {
        return missing.size() + " expected alert(s) missing" + examples(missing) + "; " + extra.size()
                + " unexpected alert(s)" + examples(extra);
    }

    String describeRepeated() {
        List<String> some = new ArrayList<>();
        repeated.forEach((id, count) -> {
            if (some.size() < EXAMPLES) {
                some.add(id + " x" + count);
            }
        });
        return repeated.size() + " id(s) logged more than once, e.g. " + some;
    }

    private static String examples(List<JsonObject> alerts) {
        if (alerts.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(", e.g.");
        for (int i = 0; i < Math.min(EXAMPLES, alerts.size()); i++) {
            JsonObject alert = alerts.get(i);
            text.append("\n    ").append(alert.getString("rule")).append(' ').append(alert.getString("kind"))
                    .append(" key=").append(alert.getValue("key")).append(' ').append(alert.getJsonObject("fields"))
                    .append(" id=").append(alert.getString("id"));
        }
        return text.toString();
    }
}
