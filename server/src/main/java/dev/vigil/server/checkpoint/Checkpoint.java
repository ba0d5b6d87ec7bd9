package dev.vigil.server.checkpoint;

import dev.vigil.server.rules.RuleText;
import dev.vigil.server.sequencer.ProducerWindow;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A consistent cut of the server: the ingest log position every shard had consumed, with the state each held right
 * there, the ingest door's own state at that position and the rules running then. Recovery starts from it and
 * replays the log after {@link #position}. A savepoint is a checkpoint with a name, kept until deleted.
 *
 * @param id increasing per data folder
 * @param name the savepoint's name, or null for a periodic checkpoint
 * @param position the ingest log position of the last record the cut includes (0: none)
 * @param createdAtMs wall-clock time the cut was taken
 * @param serverVersion the Vigil version that wrote it (for messages only; compatibility is the format's)
 * @param sequence the last event number given out: numbering goes on from it
 * @param watermarks each stream's watermark at the cut
 * @param rules the rules running at the cut, in deployment order
 * @param shards each shard's engine state, as {@code Engine.snapshot} wrote it; the list's size is the shard count
 * @param producers the producers of named batches remembered at the cut, least recently active first
 */
public record Checkpoint(long id, String name, long position, long createdAtMs, String serverVersion, long sequence,
        Map<String, Long> watermarks, List<RuleText> rules, List<byte[]> shards, List<ProducerWindow.Mark> producers) {
    public Checkpoint {
        Objects.requireNonNull(serverVersion, "serverVersion");
        watermarks = Map.copyOf(watermarks);
        rules = List.copyOf(rules);
        shards = List.copyOf(shards);
        producers = List.copyOf(producers);
    }

    /** A cut that remembers no producer of named batches. */
    public Checkpoint(long id, String name, long position, long createdAtMs, String serverVersion, long sequence,
            Map<String, Long> watermarks, List<RuleText> rules, List<byte[]> shards) {
        this(id, name, position, createdAtMs, serverVersion, sequence, watermarks, rules, shards, List.of());
    }

    /** The same cut under a savepoint's name. */
    public Checkpoint named(String savepoint) {
        return new Checkpoint(id, savepoint, position, createdAtMs, serverVersion, sequence, watermarks, rules,
                shards, producers);
    }

    /** Bytes of engine state over all shards. */
    public long stateBytes() {
        long bytes = 0;
        for (byte[] shard : shards) {
            bytes += shard.length;
        }
        return bytes;
    }
}
