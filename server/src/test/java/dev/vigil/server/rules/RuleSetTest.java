package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.RuleParser;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.EventDecoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stream declarations in the rule set: held by the rules deployed with them, one per stream, refused when another
 * text declares the stream otherwise while other rules hold it, gone when no rule holds it any more.
 */
class RuleSetTest {
    private static final List<StreamDecl> BY_TS = streams(
            "STREAM logins (user STRING, ts TIMESTAMP) WATERMARK DELAY 10 SECONDS;");
    private static final List<StreamDecl> BY_AT = streams(
            "STREAM logins (user STRING, at TIMESTAMP) EVENT TIME at;");
    private RuleSet rules = RuleSet.empty();

    private static List<StreamDecl> streams(String text) {
        return RuleParser.parse("t.cep", text).orThrow().streams();
    }

    private boolean decodes(Map<String, Object> event) {
        return rules.decoder().decode(new LinkedHashMap<>(event), 1) instanceof EventDecoder.Valid;
    }

    @Test
    void aDifferentDeclarationHeldByOtherRulesIsAConflictNamingThemAndHowItDiffers() {
        declare(BY_TS, List.of("takeover", "takeover_2"), "a.cep");
        List<StreamConflict> conflicts = rules.conflicts(BY_AT, List.of());
        assertEquals(1, conflicts.size());
        StreamConflict conflict = conflicts.get(0);
        assertEquals(List.of("takeover", "takeover_2"), conflict.holders());
        assertEquals("stream 'logins' is already declared differently in a.cep:1:8, with the running rules "
                + "takeover, takeover_2: its event time field is 'at' here, 'ts' there; declare it the same way, or "
                + "name the stream differently", conflict.message());
        assertEquals(List.of(), rules.conflicts(streams(
                "STREAM logins (ts TIMESTAMP, user STRING) WATERMARK DELAY 1 MINUTE;"), List.of()),
                "the same fields in another order and another delay are the same declaration");
        assertEquals("field 'user' is LONG here, STRING there", rules.conflicts(streams(
                "STREAM logins (user LONG, ts TIMESTAMP);"), List.of()).get(0).difference());
        assertEquals("field 'user' STRING is declared there, not here", rules.conflicts(streams(
                "STREAM logins (ts TIMESTAMP);"), List.of()).get(0).difference());
        assertEquals(List.of("takeover_2"), rules.conflicts(BY_AT, List.of("takeover")).get(0).holders(),
                "replacing one holder leaves the other");
        assertEquals(List.of(), rules.conflicts(BY_AT, List.of("takeover", "takeover_2")),
                "replacing every holder may change the declaration");
        assertEquals(List.of(), rules.conflicts(streams("STREAM other (at TIMESTAMP) EVENT TIME at;"), List.of()));
    }

    @Test
    void aDeclarationGoesWhenNoRuleHoldsItAnyMore() {
        put("takeover");
        put("other");
        declare(BY_TS, List.of("takeover"), "a.cep");
        declare(BY_TS, List.of("other"), "b.cep");
        assertTrue(decodes(Map.of("stream", "logins", "ts", 1L)));
        assertInstanceOf(EventDecoder.Invalid.class, rules.decoder().decode(
                new LinkedHashMap<>(Map.of("stream", "logins", "ts", 1L, "user", 5L)), 1), "validated: user STRING");

        rules = rules.undeploy("takeover");
        assertEquals(1, rules.conflicts(BY_AT, List.of()).size(), "'other' still holds it");
        rules = rules.undeploy("other");
        assertEquals(List.of(), rules.conflicts(BY_AT, List.of()));
        assertTrue(decodes(Map.of("stream", "logins", "ts", 1L, "user", 5L)), "no declaration: schemaless again");

        declare(BY_AT, List.of("travel"), "c.cep");
        assertTrue(decodes(Map.of("stream", "logins", "at", 1L)));
        declare(streams("STREAM signins (at TIMESTAMP) EVENT TIME at;"), List.of("travel"), "c.cep");
        assertTrue(decodes(Map.of("stream", "logins", "ts", 1L)),
                "travel's new text no longer declares logins: the declaration went with its last holder");
    }

    @Test
    void aTextWithoutRulesDeclaresNothing() {
        declare(BY_AT, List.of(), "streams.cep");
        assertEquals(List.of(), rules.conflicts(BY_TS, List.of()));
        assertTrue(decodes(Map.of("stream", "logins", "ts", 1L)));
    }

    /** Deploys rules {@code names} from a text of {@code origin} declaring {@code streams}. */
    private void declare(List<StreamDecl> streams, List<String> names, String origin) {
        List<DeployedRule> deployed = new ArrayList<>();
        for (String name : names) {
            deployed.add(new DeployedRule(rule(name).withVersion(rules.nextVersion(name)), origin, "", Instant.EPOCH));
        }
        rules = rules.deploy(new RuleSet.Declarations(streams, names, origin), deployed);
    }

    private void put(String name) {
        declare(List.of(), List.of(name), "r.cep");
    }

    @Test
    void aChangeIsANewValueAndVersionsOfANameNeverRepeat() {
        put("takeover");
        RuleSet one = rules;
        put("takeover");
        assertEquals(1, one.get("takeover").version(), "the earlier value is unchanged");
        assertEquals(2, rules.get("takeover").version());
        assertEquals(one.version() + 1, rules.version());
        rules = rules.undeploy("takeover");
        assertEquals(null, rules.get("takeover"));
        assertEquals(3, rules.nextVersion("takeover"), "a re-created rule does not reuse an old version");
        put("other");
        put("takeover");
        put("other");
        assertEquals(List.of("takeover", "other"), rules.all().stream().map(DeployedRule::name).toList(),
                "a replaced rule moves to the end, as in an engine");
        assertEquals(List.of("takeover", "other"), rules.texts().stream().map(RuleText::name).toList());
    }

    private static dev.vigil.nfa.CompiledRule rule(String name) {
        return dev.vigil.nfa.RuleCompiler.compile("r.cep", "RULE " + name + " FROM logins PATTERN a DEFINE a AS TRUE")
                .rules().get(0);
    }
}
