package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps the MATCH_RECOGNIZE section of docs/rule-language.md honest: every ```sql block reads without diagnostics
 * as a {@code .sql} file and means exactly the ```cep block that follows it (the same AST, spans aside).
 */
class SqlDocExamplesTest {
    private static final Path DOC = Path.of("..", "docs", "rule-language.md");

    @Test
    void everySqlExampleMeansTheRuleAfterIt() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        List<Integer> sqlStarts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```sql")) {
                sqlStarts.add(i);
            }
        }
        assertTrue(sqlStarts.size() >= 3, "expected MATCH_RECOGNIZE examples, found " + sqlStarts.size());
        for (int start : sqlStarts) {
            int end = closing(lines, start);
            int cepStart = start;
            for (cepStart = end + 1; cepStart < lines.size() && lines.get(cepStart).isBlank(); cepStart++) {
                // to the next block
            }
            assertEquals("```cep", lines.get(cepStart).strip(), "the sql example at line " + (start + 2)
                    + " must be followed by its rule-language form");
            String sql = String.join("\n", lines.subList(start + 1, end));
            String cep = String.join("\n", lines.subList(cepStart + 1, closing(lines, cepStart)));
            ParseResult fromSql = RuleParser.parse("rule-language.md.sql", sql);
            int line = start + 2;
            assertTrue(fromSql.ok(), () -> "sql example at line " + line + " does not read:\n"
                    + fromSql.diagnostics().stream().map(Diagnostic::render).collect(Collectors.joining("\n")));
            ParseResult fromCep = RuleParser.parse("rule-language.md", cep);
            assertTrue(fromCep.ok(), () -> "cep example after line " + line + " does not compile");
            assertEquals(AstDump.of(fromCep.file()).replace("rule-language.md", ""),
                    AstDump.of(fromSql.file()).replace("rule-language.md.sql", ""),
                    "the sql example at line " + line + " and the rule after it differ");
        }
    }

    private static int closing(List<String> lines, int opening) {
        for (int i = opening + 1; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```")) {
                return i;
            }
        }
        throw new AssertionError("block at line " + (opening + 1) + " is not closed");
    }
}
