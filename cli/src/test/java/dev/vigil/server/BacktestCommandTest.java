package dev.vigil.server;

import static dev.vigil.server.RecordedServer.RULES;
import static dev.vigil.server.RecordedServer.T0;
import static dev.vigil.server.RecordedServer.WINDOW_MS;
import static dev.vigil.server.RecordedServer.alerts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.CliRun;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil backtest} on the data folder of a running server ({@link RecordedServer}: the input of
 * {@link BacktestTest}) answers what the server answers to {@code POST /v1/backtest}, for a deployed rule and for a
 * rule file, and says what was wrong when the rule, the log or a time is not there.
 */
class BacktestCommandTest {
    @TempDir
    Path temp;

    @Test
    void vigilBacktestOnTheFolderOfARunningServerAnswersWhatTheServerAnswers() throws Exception {
        try (RecordedServer recorded = RecordedServer.start(temp)) {
            Path data = recorded.data();
            long from = T0 + 3 * WINDOW_MS;
            long to = T0 + 9 * WINDOW_MS;
            JsonObject http = recorded.backtest(new JsonObject().put("rule", "abc").put("from", from).put("to", to));
            CliRun cli = CliRun.of("backtest", "--data", data.toString(), "--rule", "abc", "--from",
                    Instant.ofEpochMilli(from).toString(), "--to", String.valueOf(to));
            assertEquals(0, cli.exit(), cli.err());
            assertEquals(alerts(http), lines(cli.out()), "the same alerts in the same order");
            assertTrue(cli.err().startsWith("vigil backtest: abc v1: " + http.getLong("eventsReplayed")
                    + " events in [" + from + ", " + to + ") replayed, " + alerts(http).size()
                    + " alerts, 0 partial matches open"), cli.err());

            Path file = temp.resolve("candidate.cep");
            String candidate = RULES.replace("amount >= 500", "amount >= 900");
            Files.writeString(file, candidate);
            JsonObject byText = recorded.backtest(new JsonObject().put("text", candidate));
            CliRun offline = CliRun.of("backtest", "--data", data.toString(), "--rule-file", file.toString());
            assertEquals(0, offline.exit(), offline.err());
            assertEquals(alerts(byText), lines(offline.out()), "rule files run as version 0, like text over HTTP");

            CliRun unknown = CliRun.of("backtest", "--data", data.toString(), "--rule", "nope");
            assertEquals(2, unknown.exit());
            assertTrue(unknown.err().contains("no rule named 'nope' was ever deployed"), unknown.err());
            CliRun noLog = CliRun.of("backtest", "--data", temp.resolve("elsewhere").toString(), "--rule", "abc");
            assertEquals(2, noLog.exit());
            assertTrue(noLog.err().contains("holds no ingest log"), noLog.err());
            CliRun badTime = CliRun.of("backtest", "--data", data.toString(), "--rule", "abc", "--from", "soon");
            assertEquals(2, badTime.exit());
            assertTrue(badTime.err().contains("'soon' is not a time"), badTime.err());
        }
    }

    private static List<JsonObject> lines(String ndjson) {
        List<JsonObject> alerts = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            if (!line.isBlank()) {
                alerts.add(new JsonObject(line));
            }
        }
        return alerts;
    }
}
