package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.cli.Vigil;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * A {@code .sql} rule file means what Flink SQL means: each MATCH_RECOGNIZE query below is run by Flink's own SQL
 * planner (Flink 1.20, on a MiniCluster) and, as a {@code CREATE VIEW} in a {@code .sql} file, by {@code vigil run},
 * over the same generated rows (three keys, values 0 to 9, one second apart); the rows Flink emits and the alerts
 * Vigil emits must be the same, measure for measure. The queries cover what the SQL front end translates: strict
 * concatenation, greedy and reluctant quantifiers, {@code {- -}} exclusions, WITHIN, the skip strategies, and
 * DEFINE's running semantics (a variable's own rows, {@code LAST(B.v, 1)}, {@code FIRST}, {@code MIN/MAX}).
 */
class MatchRecognizeSameAsFlinkSqlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 240;
    private static final long START = 1_700_000_000_000L;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .build());

    @TempDir
    static Path folder;
    private static List<Row> rows;
    private static Path events;

    @BeforeAll
    static void rows() throws Exception {
        Random random = new Random(20261208);
        rows = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            String key = "k" + random.nextInt(3);
            int value = random.nextInt(10);
            long time = START + i * 1_000L;
            rows.add(Row.of(key, (long) i, value, time));
            lines.append("{\"stream\":\"s\",\"ts\":").append(time).append(",\"k\":\"").append(key).append("\",\"id\":")
                    .append(i).append(",\"v\":").append(value).append("}\n");
        }
        events = folder.resolve("events.ndjson");
        Files.writeString(events, lines, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "strict concatenation | A B C | A AS A.v < 4, B AS B.v > A.v, C AS C.v > B.v | ",
            "reluctant loop | A B+? C | A AS A.v < 3, B AS B.v >= 3, C AS C.v < 3 | ",
            "greedy loop inside | A B* C | A AS A.v < 2, B AS B.v >= 2, C AS C.v < 5 | ",
            "counted greedy | A B{2,3} C | A AS A.v > 6, B AS B.v < 7, C AS C.v >= 0 | ",
            "optional | A B? C | A AS A.v = 0, B AS B.v > 5, C AS C.v < 5 | ",
            "within | A B+? C | A AS A.v > 7, C AS C.v > 7 | WITHIN INTERVAL '6' SECOND",
            "skip past last row | A B+? C | A AS A.v < 5, B AS B.v < 5, C AS C.v >= 5 | AFTER MATCH SKIP PAST LAST ROW",
            "rising values | A B{2,}? C | B AS B.v > COALESCE(LAST(B.v, 1), A.v), C AS C.v < LAST(B.v) | ",
            "own first row | A B+? C | A AS A.v > 4, B AS B.v <= FIRST(B.v), C AS C.v > FIRST(B.v) | ",
            "own range | A+? B | A AS MAX(A.v) - MIN(A.v) <= 4, B AS B.v = 9 | WITHIN INTERVAL '8' SECOND",
            "skip to next row | A B+? C | A AS A.v < 5, B AS B.v < 5, C AS C.v >= 5 | AFTER MATCH SKIP TO NEXT ROW",
            "skip to last | A B+? C | A AS A.v < 5, B AS B.v < 5, C AS C.v >= 5 | AFTER MATCH SKIP TO LAST B",
    })
    void flinkSqlAndVigilFindTheSameMatches(String name, String pattern, String define, String extra)
            throws Exception {
        String tail = extra == null ? "" : extra;
        String skip = tail.startsWith("AFTER") ? tail : "";
        String within = tail.startsWith("WITHIN") ? " " + tail : "";
        String first = pattern.split(" ")[0].replaceAll("[^A-Z]", "");
        String last = pattern.substring(pattern.lastIndexOf(' ') + 1).replaceAll("[^A-Z]", "");
        String query = "SELECT k, first_id, last_id, ids FROM s MATCH_RECOGNIZE (\n"
                + "  PARTITION BY k ORDER BY ts\n"
                + "  MEASURES FIRST(" + first + ".id) AS first_id, LAST(" + last + ".id) AS last_id, SUM(" + first
                + ".id) AS ids\n"
                + "  " + skip + "\n"
                + "  PATTERN (" + pattern + ")" + within + "\n"
                + "  DEFINE " + define + ")";

        List<String> flink = flinkSql(query);
        List<String> vigil = vigilRun(query);
        assertTrue(!flink.isEmpty(), name + ": the rows give Flink no match; choose conditions that match");
        assertEquals(flink, vigil, name + ":\n" + query);
    }

    private static List<String> flinkSql(String query) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        DataStream<Row> stream = env.fromData(rows, Types.ROW_NAMED(new String[] {"k", "id", "v", "t"}, Types.STRING,
                Types.LONG, Types.INT, Types.LONG))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Row>forMonotonousTimestamps()
                        .withTimestampAssigner((row, previous) -> (Long) row.getField(3)));
        tables.createTemporaryView("s", tables.fromDataStream(stream, Schema.newBuilder()
                .column("k", DataTypes.STRING()).column("id", DataTypes.BIGINT()).column("v", DataTypes.INT())
                .column("t", DataTypes.BIGINT())
                .columnByMetadata("ts", DataTypes.TIMESTAMP_LTZ(3), "rowtime")
                .watermark("ts", "SOURCE_WATERMARK()").build()));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<Row> result = tables.executeSql(query).collect()) {
            while (result.hasNext()) {
                Row row = result.next();
                out.add(row.getField(0) + " " + row.getField(1) + " " + row.getField(2) + " " + row.getField(3));
            }
        }
        out.sort(null);
        return out;
    }

    private static List<String> vigilRun(String query) throws Exception {
        Path rule = folder.resolve("rule.sql");
        Files.writeString(rule, "CREATE VIEW r AS " + query + ";\n", StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("run", "--rules", rule.toString(), "--events", events.toString());
        assertEquals(0, exit, err.toString());
        List<String> alerts = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode fields = JSON.readTree(line).get("fields");
            StringBuilder text = new StringBuilder();
            for (Iterator<JsonNode> values = fields.elements(); values.hasNext(); ) {
                JsonNode value = values.next();
                text.append(text.length() == 0 ? "" : " ").append(value.isNull() ? "null" : value.asText());
            }
            alerts.add(text.toString());
        }
        alerts.sort(null);
        return alerts;
    }
}
