package dev.vigil.nfa.state;

import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.ast.VarDef;
import dev.vigil.nfa.CompiledRule;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a rule's state means, as four fingerprints: a new version of a rule keeps the old version's partial
 * matches only when all four are unchanged ({@link Replacement}, for hot deployment and restore alike); a snapshot
 * stores them per rule, so a restore compares the rule with the version the snapshot holds.
 *
 * <ul>
 *   <li>{@code pattern}: the NFA as {@link dev.vigil.nfa.program.Nfa#describe()} prints it: states (runs hold
 *       state numbers), edges, variables (nodes hold variable numbers), {@code WITHIN}, gap windows, the skip
 *       strategy.
 *   <li>{@code conditions}: every {@code DEFINE} and {@code UNTIL} condition as canonical rule text, with its
 *       stream binding: a partial match was built by them, and a changed condition would leave partial matches
 *       the new rule could never have made.
 *   <li>{@code partitionBy}: keys are values of these fields.
 *   <li>{@code streams}: the events waiting for the watermark are those of these streams.
 * </ul>
 * What does not count: the name (that is how rules are paired), version, severity, {@code EMIT} and
 * {@code ON TIMEOUT EMIT} (they shape alerts, not state), sinks and text layout. A new version differing only in
 * those keeps its partial matches, as a Flink job keeps its state when only its sink changes.
 *
 * <p>Each fingerprint is the first 64 bits of a SHA-256 digest: stable across processes and JVMs.
 */
record RuleShape(long pattern, long conditions, long partitionBy, long streams) {

    static RuleShape of(CompiledRule rule) {
        StringBuilder conditions = new StringBuilder();
        if (rule.source() != null) {
            for (VarDef def : rule.source().defines()) {
                conditions.append(def.name()).append('\u0000').append(def.stream()).append('\u0000')
                        .append(def.condition() == null ? "" : RulePrinter.print(def.condition())).append('\u0000')
                        .append(def.until() == null ? "" : RulePrinter.print(def.until())).append('\n');
            }
        }
        return new RuleShape(digest(rule.automaton().text()), digest(conditions.toString()),
                digest(rule.partitionBy().toString()), digest(rule.streams().toString()));
    }

    /** Why the state of a rule of shape {@code before} does not fit a rule of this shape, or null when it fits. */
    String differenceFrom(RuleShape before) {
        if (pattern != before.pattern) {
            return "its pattern changed";
        }
        if (conditions != before.conditions) {
            return "its conditions changed";
        }
        if (partitionBy != before.partitionBy) {
            return "its PARTITION BY changed";
        }
        if (streams != before.streams) {
            return "its streams (FROM) changed";
        }
        return null;
    }

    private static long digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
