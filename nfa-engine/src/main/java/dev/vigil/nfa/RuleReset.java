package dev.vigil.nfa;

/**
 * A rule that a restore started without the state its snapshot held, and why: its shape changed since the
 * snapshot ("its pattern changed since the snapshot"; the partial matches it held are counted in the rule's
 * {@code partialMatchesDroppedOnReplace}) or the snapshot did not have it ("not in the snapshot").
 * Either way the rule starts with no partial match; events its old version still held for the watermark are
 * handed to it, as on a hot deployment.
 */
public record RuleReset(String rule, String reason) {}
