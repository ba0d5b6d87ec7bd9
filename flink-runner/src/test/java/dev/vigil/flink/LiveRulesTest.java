package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompiledRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple3;
import org.junit.jupiter.api.Test;

/**
 * Rule changes as every task applies them: deploy, replace (partial matches kept when only severity changed,
 * dropped when a condition did), delete, versions that never repeat, refusals with their reason that leave the
 * rules as they were, and a restore from the state a task wrote.
 */
class LiveRulesTest {
    private static final VigilRules SUBMITTED = VigilRules.of(List.of(new VigilRules.RuleFile("base.cep", """
            STREAM s (k STRING, n INT, ts TIMESTAMP) EVENT TIME ts WATERMARK DELAY 1 SECOND;
            RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 0;
            RULE pair SEVERITY low FROM s PARTITION BY k PATTERN a b DEFINE a AS n = 1, b AS n = 2;
            """)));

    @Test
    void changesDeployReplaceAndDeleteWithVersionsThatNeverRepeat() {
        LiveRules live = new LiveRules(SUBMITTED);
        assertEquals("echo:1 pair:1", versions(live));

        LiveRules.Outcome severity = live.apply("001-pair.cep",
                "RULE pair SEVERITY high FROM s PARTITION BY k PATTERN a b DEFINE a AS n = 1, b AS n = 2;");
        assertNull(severity.refusal());
        assertTrue(severity.dropped().isEmpty(), "only the severity changed: partial matches go on");
        assertEquals("echo:1 pair:2", versions(live));
        assertEquals("high", live.rules().get(1).severity());

        LiveRules.Outcome condition = live.apply("002-echo.cep",
                "RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 1;\n"
                        + "RULE other FROM s PATTERN y DEFINE y AS TRUE;");
        assertEquals(Map.of("echo", "its conditions changed"), condition.dropped());
        assertEquals("echo:2 other:1 pair:2", versions(live));
        assertEquals(List.of("[[\"k\"]]", "[]"), new ArrayList<>(live.rulesBySpec().keySet()));
        assertEquals("rule change 002-echo.cep: deployed echo version 2 (partial matches dropped: its conditions"
                + " changed); deployed other version 1;", condition.describe());

        LiveRules.Outcome deleted = live.apply("003-gone.delete", "-- no longer wanted\nother\n\necho\n");
        assertEquals(List.of("other", "echo"), deleted.deleted());
        assertEquals("pair:2", versions(live));

        live.apply("004-echo.cep", "RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS TRUE;");
        assertEquals("echo:3 pair:2", versions(live), "a rule deployed again after a delete gets a new version");
        assertEquals(4, live.generation());
    }

    @Test
    void refusedChangesSayWhyAndLeaveTheRulesAsTheyWere() {
        LiveRules live = new LiveRules(SUBMITTED);
        assertRefused(live, "x.txt", "RULE a FROM s PATTERN x DEFINE x AS TRUE;",
                "a rule change is a .cep file (rules to deploy) or a .delete file");
        assertRefused(live, "bad.cep", "RULE a FROM s PATTERN x WITHIN DEFINE x AS TRUE;", "bad.cep:1:");
        assertRefused(live, "new.cep", "RULE a FROM t PATTERN x DEFINE x AS TRUE;",
                "rule 'a' reads stream 't', which no rule the job was submitted with reads");
        assertRefused(live, "decl.cep", "STREAM s (k STRING, n INT, at TIMESTAMP) EVENT TIME at;\n"
                + "RULE a FROM s PATTERN x DEFINE x AS TRUE;", "it declares stream 's' differently from the rules");
        assertRefused(live, "slow.cep", "STREAM s (k STRING, n INT, ts TIMESTAMP) EVENT TIME ts WATERMARK DELAY"
                + " 5 SECONDS;\nRULE a FROM s PATTERN x DEFINE x AS TRUE;", "a watermark delay of 5000 ms");
        assertRefused(live, "none.delete", "echo\nnope\n", "no rule named nope runs");
        assertRefused(live, "empty.cep", "-- nothing\n", "it defines no rule");
        assertEquals("echo:1 pair:1", versions(live));
        assertEquals(7, live.generation(), "refused changes count, so that every task numbers alike");
    }

    @Test
    void aRestoredTaskRunsTheRulesItsStateHolds() throws Exception {
        Map<String, Tuple3<Integer, String, String>> state = new LinkedHashMap<>();
        LiveRules written = new LiveRules(SUBMITTED);
        written.apply("001.cep", "RULE extra FROM s PARTITION BY n PATTERN x DEFINE x AS TRUE;");
        written.apply("002.delete", "pair");
        for (Map.Entry<String, Tuple3<Integer, String, String>> entry : written.entries()) {
            state.put(entry.getKey(), entry.getValue());
        }
        LiveRules restored = new LiveRules(SUBMITTED);
        restored.restore(state.entrySet(), written.generation());
        assertEquals("echo:1 extra:1", versions(restored));
        assertEquals(2, restored.generation());
        restored.apply("003.cep", "RULE pair FROM s PATTERN a DEFINE a AS TRUE;");
        assertEquals("echo:1 extra:1 pair:2", versions(restored), "the deleted rule's version is remembered");
    }

    @Test
    void aRuleThatTakesAnotherPartitionByKeepsItsOldVersionAtTheOldKeysAcrossARestore() {
        LiveRules live = new LiveRules(SUBMITTED);
        LiveRules.Outcome moved = live.apply("001-echo.cep",
                "RULE echo FROM s PARTITION BY n PATTERN x DEFINE x AS n >= 0;");
        assertTrue(moved.dropped().isEmpty(), "nothing of the new version's keys to drop: " + moved.dropped());
        assertEquals("[[\"k\"]]: echo:1 pair:1, [[\"n\"]]: echo:2", bySpec(live));
        assertEquals("[[\"k\"]]", live.specAt("echo", 0));
        assertEquals("[[\"n\"]]", live.specAt("echo", 1));
        assertEquals(1, live.specSince("echo"));

        Map<String, Tuple3<Integer, String, String>> state = new LinkedHashMap<>();
        for (Map.Entry<String, Tuple3<Integer, String, String>> entry : live.entries()) {
            state.put(entry.getKey(), entry.getValue());
        }
        LiveRules restored = new LiveRules(SUBMITTED);
        restored.restore(state.entrySet(), live.generation());
        assertEquals(bySpec(live), bySpec(restored));
        assertEquals("[[\"k\"]]", restored.specAt("echo", 0));

        LiveRules.Outcome back = restored.apply("002-echo.cep",
                "RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 5;");
        assertEquals(Map.of("echo", "[[\"k\"]]"), back.droppedAt(), "back at k, version 3 replaces version 1 there");
        assertEquals("[[\"k\"]]: echo:3 pair:1, [[\"n\"]]: echo:2", bySpec(restored));
        assertEquals(2, restored.specSince("echo"));
        assertNull(restored.specAt("extra", 2));
        restored.apply("003.delete", "echo");
        assertEquals("[[\"k\"]]: pair:1", bySpec(restored), "a deleted rule's versions all go");
        assertNull(restored.specAt("echo", 3));
    }

    private static String bySpec(LiveRules live) {
        List<String> specs = new ArrayList<>();
        live.versionsBySpec().forEach((spec, rules) -> {
            List<String> versions = new ArrayList<>();
            rules.forEach(rule -> versions.add(rule.name() + ":" + rule.version()));
            specs.add(spec + ": " + String.join(" ", versions));
        });
        specs.sort(null);
        return String.join(", ", specs);
    }

    /**
     * A rule with SUPPRESS FOR or a windowed aggregate, which a keyed job does not run yet, is refused where the job
     * takes it: at submission with every reason, and as a rule change with the rules left as they were.
     */
    @Test
    void rulesTheJobCannotRunAreRefusedWhenTakenNotWhereTheyRun() {
        String suppressing = "RULE quiet FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 0 SUPPRESS FOR 1 MINUTE;";
        String windowed = "RULE busy FROM s PARTITION BY k PATTERN x DEFINE x AS COUNT(*) OVER (LAST 1 MINUTE) > 3;";
        IllegalArgumentException submitted = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> VigilRules.of(List.of(new VigilRules.RuleFile("more.cep",
                        suppressing + "\n" + windowed))));
        assertTrue(submitted.getMessage().contains("more.cep: rule quiet uses SUPPRESS FOR, which a keyed host (the "
                + "Flink runner) does not run yet"), submitted.getMessage());
        assertTrue(submitted.getMessage().contains("rule busy uses a windowed aggregate (OVER)"), submitted.getMessage());

        LiveRules live = new LiveRules(SUBMITTED);
        assertRefused(live, "001-quiet.cep", suppressing, "rule quiet uses SUPPRESS FOR");
        assertRefused(live, "002-busy.cep", windowed, "rule busy uses a windowed aggregate (OVER)");
        assertEquals("echo:1 pair:1", versions(live));
    }

    private static void assertRefused(LiveRules live, String name, String text, String reason) {
        LiveRules.Outcome outcome = live.apply(name, text);
        assertTrue(outcome.refusal() != null && outcome.refusal().contains(reason), outcome.describe());
        assertTrue(outcome.describe().endsWith("; the rules stay as they were"), outcome.describe());
    }

    private static String versions(LiveRules live) {
        List<String> versions = new ArrayList<>();
        for (CompiledRule rule : live.rules()) {
            versions.add(rule.name() + ":" + rule.version());
        }
        return String.join(" ", versions);
    }
}
