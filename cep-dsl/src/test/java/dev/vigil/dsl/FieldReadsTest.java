package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fields a rule reads, with the streams each may come from. */
class FieldReadsTest {

    @Test
    void fieldsOfTheEventTestedOfVariablesAndOfTheKeyInOrder() {
        assertEquals(List.of(
                new FieldReads.Read("card_id", List.of("payments")),
                new FieldReads.Read("amount", List.of("payments")),
                new FieldReads.Read("device.os", List.of("payments")),
                new FieldReads.Read("merchant", List.of("payments"))),
                reads("""
                        RULE r FROM payments PARTITION BY card_id PATTERN small+ -> big
                          DEFINE small AS amount < 2 AND device.os = 'ios',
                                 big AS amount > SUM(small.amount) AND ts - small.ts < 10s
                          EMIT m = big.merchant, n = COUNT(small), s = stream"""));
    }

    @Test
    void aVariableBoundToAStreamReadsThatStreamOnly() {
        assertEquals(List.of(
                new FieldReads.Read("user", List.of("logins", "transfers")),
                new FieldReads.Read("ip", List.of("logins")),
                new FieldReads.Read("amount", List.of("transfers"))),
                reads("""
                        RULE r FROM logins, transfers PARTITION BY user PATTERN l -> t
                          DEFINE l AS logins(ip LIKE '10.%'), t AS transfers(amount > 1)
                          EMIT ip = l.ip"""));
    }

    private static List<FieldReads.Read> reads(String text) {
        return FieldReads.of(RuleParser.parse("r.cep", text).orThrow().rules().get(0));
    }
}
