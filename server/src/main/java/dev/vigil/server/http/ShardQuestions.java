package dev.vigil.server.http;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventExplanation;
import dev.vigil.nfa.KeyInspection;
import dev.vigil.nfa.KeySlice;
import dev.vigil.server.shard.Shard;
import dev.vigil.server.shard.ShardQuery;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the shards about keys for the HTTP API: a key's question goes to the one shard owning the key (the slice its
 * value hashes to, as events are routed), a census to every shard. Each answer comes back on the asking request's
 * Vert.x context; nothing here waits. A shard whose queue of questions is full fails the question with
 * {@link Busy} (the API answers 503 with {@code Retry-After}).
 *
 * <p>The bounds of the answers, the same for every client: a key lists at most {@link #MAX_PARTIAL_MATCHES} partial
 * matches with at most {@link #MAX_EVENTS} events each and {@link #MAX_WAITING} waiting events, an explanation at most
 * {@link #MAX_RUNS} runs; the answers say how many there were.
 *
 * <p><b>Threading:</b> called on the event loop; shards answer on their threads.
 */
final class ShardQuestions {
    static final int MAX_PARTIAL_MATCHES = 50;
    static final int MAX_EVENTS = 50;
    static final int MAX_WAITING = 50;
    static final int MAX_RUNS = 50;

    /** A shard did not take the question: too many wait already. */
    static final class Busy extends RuntimeException {
        Busy(int shard) {
            super("shard " + shard + " has " + Shard.MAX_QUESTIONS + " questions waiting; ask again shortly", null,
                    false, false);
        }
    }

    private final Vertx vertx;
    private final List<Shard> shards;

    ShardQuestions(Vertx vertx, List<Shard> shards) {
        this.vertx = vertx;
        this.shards = List.copyOf(shards);
    }

    /** The shard owning {@code key} (as alerts show it) of {@code rule}. */
    int shardOf(CompiledRule rule, Object key) {
        return KeySlice.sliceOfKey(rule.partitionBy(), key, shards.size());
    }

    /** What {@code rule} holds for {@code key}; null when the shard runs no such rule. */
    Future<KeyInspection> inspect(CompiledRule rule, Object key) {
        CompletableFuture<KeyInspection> answer = new CompletableFuture<>();
        return ask(shardOf(rule, key), new ShardQuery.Inspect(rule.name(), key, MAX_PARTIAL_MATCHES, MAX_EVENTS,
                MAX_WAITING, answer), answer);
    }

    /** What {@code event} would find in {@code rule}; null when the shard runs no such rule. */
    Future<EventExplanation> explain(CompiledRule rule, Event event) {
        CompletableFuture<EventExplanation> answer = new CompletableFuture<>();
        int shard = KeySlice.sliceOf(rule.partitionBy(), event, shards.size());
        return ask(shard, new ShardQuery.Explain(rule.name(), event, MAX_RUNS, answer), answer);
    }

    /** Every shard's census of {@code rule}, in shard order (a null for a shard that runs no such rule). */
    Future<List<ShardQuery.Counted>> census(String rule) {
        List<Future<ShardQuery.Counted>> counts = new ArrayList<>(shards.size());
        for (int shard = 0; shard < shards.size(); shard++) {
            CompletableFuture<ShardQuery.Counted> answer = new CompletableFuture<>();
            counts.add(ask(shard, new ShardQuery.Census(rule, answer), answer));
        }
        return Future.all(counts).map(all -> {
            List<ShardQuery.Counted> answers = new ArrayList<>(counts.size());
            for (Future<ShardQuery.Counted> count : counts) {
                answers.add(count.result());
            }
            return answers;
        });
    }

    private <T> Future<T> ask(int shard, ShardQuery query, CompletableFuture<T> answer) {
        if (!shards.get(shard).ask(query)) {
            return Future.failedFuture(new Busy(shard));
        }
        Context context = vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        answer.whenComplete((value, failure) -> context.runOnContext(ignored -> {
            if (failure != null) {
                promise.fail(failure);
            } else {
                promise.complete(value);
            }
        }));
        return promise.future();
    }
}
