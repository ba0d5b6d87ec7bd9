package dev.vigil.server;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.wire.InputLine;
import java.util.List;

/** What other threads ask of a {@link Shard}; carried by its bounded queue and handled in arrival order. */
sealed interface ShardCommand {
    /** Events and watermarks in input order; only {@code EventLine}s and {@code WatermarkLine}s. */
    record Ingest(List<InputLine> lines) implements ShardCommand {
        public Ingest {
            lines = List.copyOf(lines);
            for (InputLine line : lines) {
                if (!(line instanceof InputLine.EventLine) && !(line instanceof InputLine.WatermarkLine)) {
                    throw new IllegalArgumentException("a shard ingests events and watermarks, not " + line);
                }
            }
        }
    }

    /** Installs the rules, replacing running rules of the same names, between two events. */
    record Deploy(List<CompiledRule> rules) implements ShardCommand {
        public Deploy {
            rules = List.copyOf(rules);
        }
    }

    record Undeploy(String name) implements ShardCommand {}

    /** Ends the shard's thread after the commands queued before it. */
    record Stop() implements ShardCommand {}
}
