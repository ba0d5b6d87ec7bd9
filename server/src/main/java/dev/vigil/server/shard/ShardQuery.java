package dev.vigil.server.shard;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventExplanation;
import dev.vigil.nfa.KeyInspection;
import java.util.concurrent.CompletableFuture;

/**
 * A question about the keys a {@link Shard} owns, asked from another thread ({@link Shard#ask}) and answered on the
 * shard's thread once the shard has handled every command queued before the question: a reader who posted events
 * and then asks sees them (waiting for the watermark, or matched). Answering changes nothing in the engine. An
 * answer of null means the shard runs no rule of that name (it may be being deployed or removed just then).
 */
public sealed interface ShardQuery {
    /** Fails the question: the shard stopped, or could not answer. */
    void fail(Throwable why);

    /**
     * What rule {@code rule} holds for {@code key} (as alerts show it), bounded as {@link KeyInspection} says.
     *
     * @param maxPartialMatches the most partial matches listed, each with at most {@code maxEvents} events;
     *     {@code maxWaiting} the most waiting events
     */
    record Inspect(String rule, Object key, int maxPartialMatches, int maxEvents, int maxWaiting,
            CompletableFuture<KeyInspection> answer) implements ShardQuery {
        @Override
        public void fail(Throwable why) {
            answer.completeExceptionally(why);
        }
    }

    /** What {@code event} would find among the runs of its key, at most {@code maxRuns} of them. */
    record Explain(String rule, Event event, int maxRuns, CompletableFuture<EventExplanation> answer)
            implements ShardQuery {
        @Override
        public void fail(Throwable why) {
            answer.completeExceptionally(why);
        }
    }

    /**
     * The partial matches of {@code rule} per NFA state over the shard's keys, counted between command batches a
     * slice at a time; answered when the count is complete.
     */
    record Census(String rule, CompletableFuture<Counted> answer) implements ShardQuery {
        @Override
        public void fail(Throwable why) {
            answer.completeExceptionally(why);
        }
    }

    /**
     * A shard's census of one rule.
     *
     * @param version the version of the rule counted: its state ids are that version's
     * @param partialMatchesByState partial matches per state id
     * @param keys the keys counted
     */
    record Counted(String rule, int version, long[] partialMatchesByState, int keys) {
        public Counted {
            partialMatchesByState = partialMatchesByState.clone();
        }

        @Override
        public long[] partialMatchesByState() {
            return partialMatchesByState.clone();
        }
    }
}
