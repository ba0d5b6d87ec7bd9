package dev.vigil.bench.compare;

/** Placeholder until the Flink runner lands. */
final class FlinkEngine implements ComparedEngine {
    @Override
    public String name() {
        return "flink";
    }

    @Override
    public String cannotRun(Workload workload) {
        return "not written yet";
    }

    @Override
    public String differs(Workload workload) {
        return null;
    }

    @Override
    public void prepare(Workload workload, GeneratedStream stream) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Run run() {
        throw new UnsupportedOperationException();
    }

    @Override
    public MemoryProbe memoryProbe() {
        throw new UnsupportedOperationException();
    }
}
