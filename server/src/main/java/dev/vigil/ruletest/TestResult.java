package dev.vigil.ruletest;

import java.util.List;

/**
 * What one rule test did.
 *
 * @param line where the test's {@code TEST} is (1-based), with {@code column}
 * @param diff for a failed test, each difference between the alerts expected and emitted, by position
 *     ({@code alert 2 (line 31): fields.failures: expected 7, got 6}), then notes on its run (late events); for an
 *     invalid test, what is wrong with its lines; empty for a test that passed
 * @param events how many events the test gave the engine; {@code alerts} how many alerts came out
 */
public record TestResult(String name, int line, int column, Status status, List<String> diff, int events,
        int alerts) {
    /** A test passed (the alerts are those expected), failed (they are not), or could not run (bad lines). */
    public enum Status {
        PASSED, FAILED, INVALID;

        /** As the JSON answers and the command line write it: {@code passed}, {@code failed}, {@code invalid}. */
        public String word() {
            return name().toLowerCase();
        }
    }

    public TestResult {
        diff = List.copyOf(diff);
    }
}
