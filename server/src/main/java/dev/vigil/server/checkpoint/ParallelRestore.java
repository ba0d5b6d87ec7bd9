package dev.vigil.server.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Restores the shards of a checkpoint side by side: each shard's engine state is decoded on its own, on as many
 * threads as there are cores (at most one per shard), because decoding a million keys' state is most of a restart
 * and one shard's state does not depend on another's.
 *
 * <p><b>Thread-safe:</b> each call has its own threads, which are gone when it returns; what {@code restore} builds
 * is handed to the caller through the threads' futures (safely published).
 */
public final class ParallelRestore {
    private ParallelRestore() {
    }

    /**
     * {@code restore.apply(i)} for each shard {@code i} below {@code count}, in the order of the shards; the first
     * failure (by shard number) is thrown once every shard is done, as {@code restore} threw it.
     */
    public static <T> List<T> build(int count, IntFunction<T> restore) {
        int threads = Math.max(1, Math.min(count, Runtime.getRuntime().availableProcessors()));
        if (threads == 1) {
            List<T> built = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                built.add(restore.apply(i));
            }
            return built;
        }
        AtomicInteger named = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "vigil-restore-" + named.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int shard = i;
                futures.add(pool.submit(() -> restore.apply(shard)));
            }
            List<T> built = new ArrayList<>(count);
            Throwable failed = null;
            for (Future<T> future : futures) {
                try {
                    built.add(future.get());
                } catch (ExecutionException e) {
                    failed = failed == null ? e.getCause() : failed;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while restoring the shards", e);
                }
            }
            if (failed instanceof RuntimeException runtime) {
                throw runtime;
            } else if (failed instanceof Error error) {
                throw error;
            } else if (failed != null) {
                throw new IllegalStateException(failed);   // restore throws no checked exception
            }
            return built;
        } finally {
            pool.shutdown();
        }
    }
}
