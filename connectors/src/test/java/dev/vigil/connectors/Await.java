package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits with a deadline: tests poll for a state instead of sleeping for a guessed time, and never hang. */
final class Await {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Await() {}

    static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Polls {@code done} until it holds; fails with {@code state}'s description after the timeout. */
    static void until(BooleanSupplier done, Supplier<Object> state) {
        until(done, state, TIMEOUT);
    }

    /** As {@link #until(BooleanSupplier, Supplier)}, waiting up to {@code timeout}. */
    static void until(BooleanSupplier done, Supplier<Object> state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not reached within " + timeout + "; state: " + state.get());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
