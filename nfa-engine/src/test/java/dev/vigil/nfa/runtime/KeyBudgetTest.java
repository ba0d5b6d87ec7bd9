package dev.vigil.nfa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.KeySlice;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.Programs;
import dev.vigil.nfa.RuleCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The budget's choice of the rule holding the most keys ({@link KeyBudget#largest}) is the one a scan of the rules
 * in deployment order makes (the most keys, the first among equals), through joins, leaves, clears, rules added,
 * removed and taken over; the total counts every share.
 */
class KeyBudgetTest {
    private static final EngineListener NO_OUTPUT = new EngineListener() {
        @Override
        public void onAlert(Alert alert) {
            throw new AssertionError(alert);
        }

        @Override
        public void onLateEvent(LateEvent late) {
            throw new AssertionError(late);
        }
    };

    private final KeyBudget budget = new KeyBudget(new EngineConfig.KeyBounds(100, 10));
    private final CompiledRule rule = compile();

    @Test
    void theRuleHoldingTheMostComesFirstAndTheFirstDeployedAmongEquals() {
        RuleRuntime a = owner();
        RuleRuntime b = owner();
        KeyBudget.Share sa = budget.share(a);
        KeyBudget.Share sb = budget.share(b);
        assertSame(a, budget.largest());   // 0 and 0: the first
        sb.joined();
        assertSame(b, budget.largest());
        sa.joined();
        assertSame(a, budget.largest());   // 1 and 1
        sa.left();
        assertSame(b, budget.largest());
        sa.joined();
        RuleRuntime successor = owner();
        sa.passTo(successor);               // 1 and 1, the successor deployed after b
        assertSame(b, budget.largest());
        assertEquals(2, budget.holding());
        sb.left();
        sb.retire();
        assertSame(successor, budget.largest());
        sa.cleared();
        assertEquals(0, budget.holding());
        sa.retire();
        assertNull(budget.largest());
    }

    @Test
    void theChoiceIsTheScansThroughRandomChanges() {
        Random random = new Random(22);
        List<KeyBudget.Share> deployed = new ArrayList<>();   // in deployment order, as the engine's rules
        List<RuleRuntime> owners = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            RuleRuntime owner = owner();
            deployed.add(budget.share(owner));
            owners.add(owner);
        }
        for (int step = 0; step < 200_000; step++) {
            int i = random.nextInt(deployed.size());
            KeyBudget.Share share = deployed.get(i);
            int what = random.nextInt(100);
            if (what < 55) {
                share.joined();
            } else if (what < 95) {
                if (share.holders() > 0) {
                    share.left();
                }
            } else if (what < 97) {
                RuleRuntime successor = owner();   // a new version takes over the store: deployed last
                share.passTo(successor);
                deployed.remove(i);
                owners.remove(i);
                deployed.add(share);
                owners.add(successor);
            } else if (what < 98) {
                share.cleared();
            } else if (deployed.size() > 1) {
                share.cleared();                   // removed, and a new rule deployed
                share.retire();
                deployed.remove(i);
                owners.remove(i);
                RuleRuntime owner = owner();
                deployed.add(budget.share(owner));
                owners.add(owner);
            }
            if (random.nextInt(8) == 0) {   // several changes between two looks
                assertSame(owners.get(scan(deployed)), budget.largest(), "step " + step);
            }
        }
        long total = 0;
        for (KeyBudget.Share share : deployed) {
            total += share.holders();
        }
        assertEquals(total, budget.holding());
        assertTrue(total > 0);
    }

    /** The engine's former choice: the index of the first share holding the most. */
    private static int scan(List<KeyBudget.Share> deployed) {
        int largest = 0;
        for (int i = 1; i < deployed.size(); i++) {
            if (deployed.get(i).holders() > deployed.get(largest).holders()) {
                largest = i;
            }
        }
        return largest;
    }

    /** A runtime standing for a rule (its own share is in another budget). */
    private RuleRuntime owner() {
        return new RuleRuntime(rule, Programs.of(rule), 10_000, EngineConfig.DEFAULT_MAX_WORK_PER_EVENT,
                KeySlice.ALL, NO_OUTPUT, KeyStorage.heap(), KeyBudget.unbounded());
    }

    private static CompiledRule compile() {
        CompileResult compiled = RuleCompiler.compile("test.cep", """
                RULE r FROM events PARTITION BY key PATTERN x -> y WITHIN 1 MINUTE
                  DEFINE x AS type = 'A', y AS type = 'B'
                """);
        assertTrue(compiled.ok(), compiled.diagnostics().toString());
        return compiled.rules().get(0);
    }
}
