package dev.vigil.bench.compare;

/**
 * The workloads of the comparison. Each engine expresses them in its own language; the meaning is Flink CEP's
 * (relaxed contiguity with {@code ->}, strict without, no skip after a match, a window measured from the first
 * event: a match's last event is less than the window after its first).
 */
public enum Workload {
    W1("a -> b -> c WITHIN 10 SECONDS, b.value > a.value"),
    W2("a b c WITHIN 10 SECONDS (strict contiguity), b.value > a.value"),
    W3("a -> b+ -> c WITHIN 1 SECOND"),
    W4("50 fraud rules of the rules-examples kinds at once"),
    W5("a -> !b WITHIN 5 SECONDS (absence)"),
    W6("500 fraud rules of the rules-examples kinds at once, thresholds spread over the values");

    private final String description;

    Workload(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
