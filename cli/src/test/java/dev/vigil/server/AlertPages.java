package dev.vigil.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a server's alert history over HTTP, oldest first: {@code GET /v1/alerts?limit=1000&since=0}, then
 * {@code &after=<id of the last alert read>} until a page comes back empty.
 *
 * <p>{@code after} names an alert by its id, and the history resolves an id to its <em>latest</em> copy; so in a
 * log that (wrongly) holds an id twice, a page ending at the first copy resumes after the second, and the copy and
 * whatever lies between the two are never read. To keep such a log from reading as clean, every page's last alert
 * is looked up among its rule's and key's alerts (a small, complete read: {@code since=0&rule=..&key=..}) and the
 * copies the paging would skip are added, so the repetition shows. What lies between the copies may still be
 * unread; the crash test fails on the repetition then, whatever else it reports.
 */
final class AlertPages {
    static final int PAGE = 1000;

    private AlertPages() {
    }

    /** Every alert the history holds (it keeps the newest 10,000), oldest first. */
    static List<JsonObject> readAll(ServerProcess server) throws IOException, InterruptedException {
        List<JsonObject> alerts = new ArrayList<>();
        String after = null;
        while (true) {
            JsonArray page = page(server, "/v1/alerts?limit=" + PAGE + (after == null ? "&since=0" : "&after=" + after));
            if (page.isEmpty()) {
                return alerts;
            }
            for (int i = 0; i < page.size(); i++) {
                alerts.add(page.getJsonObject(i));
            }
            JsonObject last = page.getJsonObject(page.size() - 1);
            after = last.getString("id");
            addSkippedCopies(server, last, alerts);
        }
    }

    private static void addSkippedCopies(ServerProcess server, JsonObject last, List<JsonObject> alerts)
            throws IOException, InterruptedException {
        String id = last.getString("id");
        JsonArray sameRuleAndKey = page(server, "/v1/alerts?since=0&limit=" + PAGE
                + "&rule=" + encode(last.getString("rule")) + "&key=" + encode(String.valueOf(last.getValue("key"))));
        int logged = 0;
        for (int i = 0; i < sameRuleAndKey.size(); i++) {
            if (id.equals(sameRuleAndKey.getJsonObject(i).getString("id"))) {
                logged++;
            }
        }
        int read = 0;
        for (JsonObject alert : alerts) {
            if (id.equals(alert.getString("id"))) {
                read++;
            }
        }
        for (int i = read; i < logged; i++) {
            alerts.add(last);
        }
    }

    private static JsonArray page(ServerProcess server, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = server.get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + pathAndQuery + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return new JsonArray(response.body());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
