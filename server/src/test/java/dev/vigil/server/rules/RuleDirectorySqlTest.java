package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.dsl.RulePrinter;
import dev.vigil.nfa.CompileLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules folder deploys {@code .sql} (MATCH_RECOGNIZE) files beside {@code .cep} ones, and nothing else. */
class RuleDirectorySqlTest {
    @TempDir
    Path folder;

    @Test
    void sqlAndCepFilesAreDeployedOtherFilesAreNot() throws Exception {
        Files.writeString(folder.resolve("a.cep"), "RULE from_cep FROM s PATTERN a -> b;");
        Files.createDirectories(folder.resolve("nested"));
        Files.writeString(folder.resolve("nested/b.SQL"), """
                CREATE VIEW from_sql AS SELECT * FROM s
                MATCH_RECOGNIZE (ORDER BY ts PATTERN (a {- x*? -} b) DEFINE b AS b.amount > a.amount);""");
        Files.writeString(folder.resolve("notes.txt"), "RULE not_a_rule FROM s PATTERN a;");

        RuleDirectory directory = RuleDirectory.load(folder, Instant.EPOCH, new SinkCatalog(List.of(), null),
                CompileLimits.DEFAULTS);

        assertEquals(List.of("from_cep", "from_sql"),
                directory.rules().all().stream().map(rule -> rule.name()).sorted().toList());
        assertEquals("a -> b", RulePrinter.print(directory.rules().get("from_sql").rule().source().pattern()));
    }
}
