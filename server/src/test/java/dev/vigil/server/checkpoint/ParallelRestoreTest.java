package dev.vigil.server.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The shards are restored side by side, handed back in shard order; a damaged one fails the restore. */
class ParallelRestoreTest {
    @Test
    void buildsEveryShardInShardOrder() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<String> built = ParallelRestore.build(5, shard -> {
            threads.add(Thread.currentThread().getName());
            return "shard " + shard;
        });
        assertEquals(List.of("shard 0", "shard 1", "shard 2", "shard 3", "shard 4"), built);
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertTrue(threads.stream().allMatch(name -> name.startsWith("vigil-restore-")),
                    "restored on the restore threads: " + threads);
        }
    }

    @Test
    void theFirstShardsFailureIsThrownAsItWas() {
        UncheckedIOException first = new UncheckedIOException(new IOException("shard 1 is damaged"));
        UncheckedIOException thrown = assertThrows(UncheckedIOException.class, () -> ParallelRestore.build(4,
                shard -> {
                    if (shard == 1) {
                        throw first;
                    }
                    if (shard == 3) {
                        throw new UncheckedIOException(new IOException("shard 3 is damaged"));
                    }
                    return shard;
                }));
        assertSame(first, thrown);
    }
}
