package dev.vigil.nfa.differential;

/** A CEP implementation the differential test can run a case through: Flink CEP or Vigil. */
interface CepUnderTest {

    /** What running a case gave: the outcome, or the implementation's refusal of the rule. */
    sealed interface Result permits Ran, Rejected, Crashed, TooExpensive {}

    /**
     * @param rule the rule as this implementation saw it (Flink API calls, or Vigil rule text)
     * @param droppedPartialMatches partial matches dropped by a state bound (Flink has none: 0)
     * @param overWorkBound events whose work on a key passed the work bound (Flink has none: 0)
     * @param evictedKeys keys evicted by the bound on keys holding partial matches (Flink has none: 0)
     */
    record Ran(Outcome outcome, String rule, int droppedPartialMatches, int overWorkBound, int evictedKeys)
            implements Result {}

    /** @param reason the error, as the implementation worded it */
    record Rejected(String reason, String rule) implements Result {}

    /** The implementation accepted the rule but threw while running it (a bug of that implementation). */
    record Crashed(String reason, String rule) implements Result {}

    /** The run was abandoned past the test's work budget; nothing to compare. */
    record TooExpensive(String reason, String rule) implements Result {}

    String name();

    Result run(DiffCase diffCase) throws Exception;
}
