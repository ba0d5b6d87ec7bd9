package dev.vigil.server.rules;

import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.metrics.RuleWorkMeters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Compiles rule text received over HTTP off the event loop, on a bounded pool of its own, under the server's
 * {@link CompileLimits}. Compiles run side by side, in no particular order: one slow compile never delays another
 * beyond the pool's width (Vert.x's {@code executeBlocking} is ordered per context, which queued every compile of
 * the server behind one that never ended). A pool whose threads are busy and whose short queue is full refuses at
 * once with {@link Busy}, which the API answers 503 with {@code Retry-After}; every refusal is counted.
 *
 * <p>The threads have a deep stack, so compiling never comes near the end of it (the limits keep recursion to a
 * few thousand frames, well within the JVM's default stack too).
 *
 * <p><b>Thread-safe.</b> Results are delivered on the context of the caller.
 */
public final class CompilePool implements AutoCloseable {
    private static final long STACK_BYTES = 8L << 20;

    /** The pool was full: nothing was compiled. */
    public static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("every rule compiler is busy", null, false, false);
        }
    }

    private final CompileLimits limits;
    private final RuleWorkMeters meters;
    private final ThreadPoolExecutor threads;

    public CompilePool(CompileLimits limits, int threadCount, RuleWorkMeters meters) {
        this.limits = limits;
        this.meters = meters;
        AtomicInteger numbers = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(threadCount, threadCount, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(threadCount * ServerConfig.RuleWork.QUEUED_PER_THREAD), work -> {
                    Thread thread = new Thread(null, work, "vigil-compile-" + numbers.incrementAndGet(), STACK_BYTES);
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    CompileLimits limits() {
        return limits;
    }

    /**
     * Compiles {@code text} and passes the result through {@code then}, both on a pool thread; the future completes
     * on {@code context}. It fails with {@link Busy} when the pool is full.
     */
    public Future<CompileResult> compile(Context context, String file, String text, UnaryOperator<CompileResult> then) {
        return compile(context, file, text, List.of(), then);
    }

    /**
     * As {@link #compile(Context, String, String, UnaryOperator)}, checking the streams the text does not declare
     * against {@code known} declarations (those of the running rules).
     */
    public Future<CompileResult> compile(Context context, String file, String text, List<StreamDecl> known,
            UnaryOperator<CompileResult> then) {
        return run(context, () -> {
            CompileResult result = then.apply(RuleCompiler.compile(file, text, limits, known));
            meters.compiled(result);
            return result;
        });
    }

    /**
     * Does {@code work} that rule text asks for (a compile, its tests) on a pool thread; the future completes on
     * {@code context}, and fails with {@link Busy} when the pool is full.
     */
    public <T> Future<T> run(Context context, Supplier<T> work) {
        Promise<T> promise = Promise.promise();
        try {
            threads.execute(() -> {
                T result;
                try {
                    result = work.get();
                } catch (RuntimeException bug) {
                    context.runOnContext(ignored -> promise.fail(bug));
                    return;
                }
                context.runOnContext(ignored -> promise.complete(result));
            });
        } catch (RejectedExecutionException full) {
            meters.compileBusy();
            return Future.failedFuture(new Busy());
        }
        return promise.future();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
