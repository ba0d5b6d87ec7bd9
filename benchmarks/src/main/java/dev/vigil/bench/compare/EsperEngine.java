package dev.vigil.bench.compare;

/** Placeholder until the Esper runner lands. */
final class EsperEngine implements ComparedEngine {
    @Override
    public String name() {
        return "esper";
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
