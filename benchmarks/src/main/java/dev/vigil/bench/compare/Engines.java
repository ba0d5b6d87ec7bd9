package dev.vigil.bench.compare;

import java.util.List;

/** The engines of the comparison, by name. */
final class Engines {
    static final List<String> NAMES = List.of("vigil", "flink", "esper", "floor");

    private Engines() {
    }

    static ComparedEngine byName(String name) {
        return switch (name) {
            case "vigil" -> new VigilEngine();
            case "flink" -> new FlinkEngine();
            case "esper" -> new EsperEngine();
            case "floor" -> new FloorEngine();
            default -> throw new IllegalArgumentException("unknown engine " + name + "; known: " + NAMES);
        };
    }
}
