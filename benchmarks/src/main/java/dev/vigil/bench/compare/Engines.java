package dev.vigil.bench.compare;

import java.util.List;

/**
 * The engines of the comparison, by name: {@link #NAMES} run by default; {@code vigil-rocksdb} (Vigil with its key
 * state in RocksDB) when named.
 */
final class Engines {
    static final List<String> NAMES = List.of("vigil", "flink", "esper", "floor");
    static final String VIGIL_ROCKSDB = "vigil-rocksdb";

    private Engines() {
    }

    static ComparedEngine byName(String name) {
        return switch (name) {
            case "vigil" -> new VigilEngine(false);
            case VIGIL_ROCKSDB -> new VigilEngine(true);
            case "flink" -> new FlinkEngine();
            case "esper" -> new EsperEngine();
            case "floor" -> new FloorEngine();
            default -> throw new IllegalArgumentException("unknown engine " + name + "; known: " + NAMES + " and "
                    + VIGIL_ROCKSDB);
        };
    }
}
