package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.RuleParser;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.EventDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stream declarations in the registry: held by the rules deployed with them, one per stream, refused when another
 * text declares the stream otherwise while other rules hold it, gone when no rule holds it any more.
 */
class RuleRegistryTest {
    private static final List<StreamDecl> BY_TS = streams(
            "STREAM logins (user STRING, ts TIMESTAMP) WATERMARK DELAY 10 SECONDS;");
    private static final List<StreamDecl> BY_AT = streams(
            "STREAM logins (user STRING, at TIMESTAMP) EVENT TIME at;");
    private final RuleRegistry registry = new RuleRegistry();

    private static List<StreamDecl> streams(String text) {
        return RuleParser.parse("t.cep", text).orThrow().streams();
    }

    private boolean decodes(Map<String, Object> event) {
        return registry.decoder().decode(new LinkedHashMap<>(event), 1) instanceof EventDecoder.Valid;
    }

    @Test
    void aDifferentDeclarationHeldByOtherRulesIsAConflictNamingThemAndHowItDiffers() {
        registry.declare(BY_TS, List.of("takeover", "takeover_2"), "a.cep");
        List<StreamConflict> conflicts = registry.conflicts(BY_AT, List.of());
        assertEquals(1, conflicts.size());
        StreamConflict conflict = conflicts.get(0);
        assertEquals(List.of("takeover", "takeover_2"), conflict.holders());
        assertEquals("stream 'logins' is already declared differently in a.cep:1:8, with the running rules "
                + "takeover, takeover_2: its event time field is 'at' here, 'ts' there; declare it the same way, or "
                + "name the stream differently", conflict.message());
        assertEquals(List.of(), registry.conflicts(streams(
                "STREAM logins (ts TIMESTAMP, user STRING) WATERMARK DELAY 1 MINUTE;"), List.of()),
                "the same fields in another order and another delay are the same declaration");
        assertEquals("field 'user' is LONG here, STRING there", registry.conflicts(streams(
                "STREAM logins (user LONG, ts TIMESTAMP);"), List.of()).get(0).difference());
        assertEquals("field 'user' STRING is declared there, not here", registry.conflicts(streams(
                "STREAM logins (ts TIMESTAMP);"), List.of()).get(0).difference());
        assertEquals(List.of("takeover_2"), registry.conflicts(BY_AT, List.of("takeover")).get(0).holders(),
                "replacing one holder leaves the other");
        assertEquals(List.of(), registry.conflicts(BY_AT, List.of("takeover", "takeover_2")),
                "replacing every holder may change the declaration");
        assertEquals(List.of(), registry.conflicts(streams("STREAM other (at TIMESTAMP) EVENT TIME at;"), List.of()));
    }

    @Test
    void aDeclarationGoesWhenNoRuleHoldsItAnyMore() {
        registry.put(new DeployedRule(rule("takeover"), "", java.time.Instant.EPOCH));
        registry.put(new DeployedRule(rule("other"), "", java.time.Instant.EPOCH));
        registry.declare(BY_TS, List.of("takeover"), "a.cep");
        registry.declare(BY_TS, List.of("other"), "b.cep");
        assertTrue(decodes(Map.of("stream", "logins", "ts", 1L)));
        assertInstanceOf(EventDecoder.Invalid.class, registry.decoder().decode(
                new LinkedHashMap<>(Map.of("stream", "logins", "ts", 1L, "user", 5L)), 1), "validated: user STRING");

        registry.remove("takeover");
        assertEquals(1, registry.conflicts(BY_AT, List.of()).size(), "'other' still holds it");
        registry.remove("other");
        assertEquals(List.of(), registry.conflicts(BY_AT, List.of()));
        assertTrue(decodes(Map.of("stream", "logins", "ts", 1L, "user", 5L)), "no declaration: schemaless again");

        registry.declare(BY_AT, List.of("travel"), "c.cep");
        assertTrue(decodes(Map.of("stream", "logins", "at", 1L)));
        registry.declare(streams("STREAM signins (at TIMESTAMP) EVENT TIME at;"), List.of("travel"), "c.cep");
        assertTrue(decodes(Map.of("stream", "logins", "ts", 1L)),
                "travel's new text no longer declares logins: the declaration went with its last holder");
    }

    @Test
    void aTextWithoutRulesDeclaresNothing() {
        registry.declare(BY_AT, List.of(), "streams.cep");
        assertEquals(List.of(), registry.conflicts(BY_TS, List.of()));
        assertTrue(decodes(Map.of("stream", "logins", "ts", 1L)));
    }

    private static dev.vigil.nfa.CompiledRule rule(String name) {
        return dev.vigil.nfa.RuleCompiler.compile("r.cep", "RULE " + name + " FROM logins PATTERN a DEFINE a AS TRUE")
                .rules().get(0);
    }
}
