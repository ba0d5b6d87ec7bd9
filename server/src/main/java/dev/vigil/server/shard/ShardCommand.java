package dev.vigil.server.shard;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.wire.InputLine;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What other threads ask of a {@link Shard}; carried by its bounded queue and handled in arrival order. */
public sealed interface ShardCommand {
    /**
     * Events and watermarks in input order; only {@code EventLine}s and {@code WatermarkLine}s.
     *
     * @param acceptedAtNanos {@code System.nanoTime()} when the server accepted the batch: where event-to-alert
     *     latency is measured from
     * @param position the ingest log position of the batch these lines came from
     */
    record Ingest(List<InputLine> lines, long acceptedAtNanos, long position) implements ShardCommand {
        public Ingest {
            lines = List.copyOf(lines);
            for (InputLine line : lines) {
                if (!(line instanceof InputLine.EventLine) && !(line instanceof InputLine.WatermarkLine)) {
                    throw new IllegalArgumentException("a shard ingests events and watermarks, not " + line);
                }
            }
        }
    }

    /**
     * Installs the rules, replacing running rules of the same names, between two events, then applies the
     * watermarks: the current time of the streams the rules read, which a stream new to the engine lacks.
     */
    record Deploy(List<CompiledRule> rules, List<InputLine.WatermarkLine> watermarks) implements ShardCommand {
        public Deploy {
            rules = List.copyOf(rules);
            watermarks = List.copyOf(watermarks);
        }
    }

    record Undeploy(String name) implements ShardCommand {}

    /**
     * A checkpoint barrier: the shard writes its engine's whole state as it stands after every command queued before
     * this one, and completes {@code state} once the alerts it published before are logged.
     *
     * @param stores null, or the folder where a shard keeping key state in RocksDB writes RocksDB's own checkpoint
     *     (into {@code shard-<id>}) and leaves its keys there instead of in {@code state}
     */
    record Checkpoint(long id, Path stores, CompletableFuture<ShardState> state) implements ShardCommand {
        /** A barrier whose state holds every key (a savepoint's, or any on the heap). */
        public Checkpoint(long id, CompletableFuture<ShardState> state) {
            this(id, null, state);
        }
    }

    /** Ends the shard's thread after the commands queued before it. */
    record Stop() implements ShardCommand {}
}
