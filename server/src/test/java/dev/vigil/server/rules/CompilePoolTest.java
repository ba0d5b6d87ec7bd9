package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.metrics.RuleWorkMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compile pool runs compiles side by side, so one that takes long delays no other; when its threads and queue
 * are full it refuses at once (the API's 503), counting each refusal. A compile held on a latch stands for one that
 * takes long.
 */
@ExtendWith(VertxExtension.class)
class CompilePoolTest {
    private static final String RULE = "RULE r FROM s PATTERN a b";

    @Test
    void aCompileThatTakesLongDelaysNoOther(Vertx vertx) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CompilePool pool = new CompilePool(CompileLimits.DEFAULTS, 2, new RuleWorkMeters(registry))) {
            CountDownLatch release = new CountDownLatch(1);
            Context context = vertx.getOrCreateContext();
            Future<CompileResult> slow = pool.compile(context, "slow.cep", RULE, held(release));
            Future<CompileResult> quick = pool.compile(context, "quick.cep", RULE, UnaryOperator.identity());
            CompileResult result = quick.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertTrue(result.ok());
            assertEquals(false, slow.isComplete(), "the slow one is still compiling");
            release.countDown();
            assertTrue(slow.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).ok());
        }
    }

    @Test
    void aFullPoolRefusesAtOnceAndCountsIt(Vertx vertx) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CompilePool pool = new CompilePool(CompileLimits.DEFAULTS, 1, new RuleWorkMeters(registry))) {
            CountDownLatch release = new CountDownLatch(1);
            Context context = vertx.getOrCreateContext();
            List<Future<CompileResult>> accepted = new ArrayList<>();
            for (int i = 0; i < 1 + ServerConfig.RuleWork.QUEUED_PER_THREAD; i++) {   // one running, the rest queued
                accepted.add(pool.compile(context, "held.cep", RULE, held(release)));
            }
            Future<CompileResult> refused = pool.compile(context, "one-too-many.cep", RULE, UnaryOperator.identity());
            assertTrue(refused.failed(), "refused at once, not queued");
            assertInstanceOf(CompilePool.Busy.class, refused.cause());
            assertEquals(1.0, registry.get("vigil.rule.compiles.busy").counter().count());

            release.countDown();
            for (Future<CompileResult> future : accepted) {
                assertTrue(future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).ok());
            }
            assertTrue(pool.compile(context, "again.cep", RULE, UnaryOperator.identity()).toCompletionStage()
                    .toCompletableFuture().get(20, TimeUnit.SECONDS).ok(), "room again once they finished");
        }
    }

    @Test
    void refusalsForALimitAreCountedByLimit(Vertx vertx) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CompilePool pool = new CompilePool(CompileLimits.DEFAULTS, 1, new RuleWorkMeters(registry))) {
            CompileResult result = pool.compile(vertx.getOrCreateContext(), "r.cep", "RULE r FROM s PATTERN a{5000}",
                    UnaryOperator.identity()).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(CompileLimits.REPEAT_COUNT, result.diagnostics().get(0).limit());
            assertEquals(1.0, registry.get("vigil.rule.compile.limits").tag("limit", CompileLimits.REPEAT_COUNT)
                    .counter().count());
        }
    }

    /** A step after the compile that waits for {@code release}: a compile that takes as long as the test wants. */
    private static UnaryOperator<CompileResult> held(CountDownLatch release) {
        return result -> {
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return result;
        };
    }
}
