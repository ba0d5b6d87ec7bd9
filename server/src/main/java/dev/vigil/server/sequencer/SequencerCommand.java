package dev.vigil.server.sequencer;

import dev.vigil.server.log.LogRecord;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleSet;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the {@link Sequencer} is asked to do, in the order it was asked. {@link #runOn} does it on the sequencer's
 * thread and answers through the command's reply; it returns false, having done nothing, when the shards' queues
 * have no room for it yet, and the sequencer runs it again on a later cycle before any command behind it: so batches
 * of one source stay in order, and a replay keeps the log's.
 */
sealed interface SequencerCommand {
    /** Does the command at {@code now} (the sequencer's clock); false when it must wait for room in the shards. */
    boolean runOn(Ingest ingest, long now);

    /** The command failed with a bug: answer so that its sender does not wait forever (none waits by default). */
    default void fail(RuntimeException bug) {
    }

    /** A batch from {@code source}, named {@code name} or not (null): queued, a duplicate, or refused by the log. */
    record Offer(EventSource source, BatchId name, List<InputLine> lines, Consumer<Ingest.Result> reply)
            implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            Ingest.Result result = ingest.accept(source, name, lines, now);
            if (result == Ingest.Result.BUSY) {
                return false;
            }
            reply.accept(result);
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            reply.accept(Ingest.Result.refused("the server could not take the batch: " + bug));
        }
    }

    /** A source connected. */
    record Open(EventSource source) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            ingest.openSource(source, now);
            return true;
        }
    }

    /** A source went away: it stops holding time back. */
    record Close(EventSource source) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            ingest.closeSource(source, now);
            return true;
        }
    }

    /**
     * Installs or replaces rules; answers null when done, else why not. A rule change does not wait for room: it is
     * answered {@link Ingest#BUSY} at once, as its sender can simply ask again.
     */
    record Deploy(RuleSet next, List<DeployedRule> deployed, Consumer<String> reply) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            reply.accept(ingest.deploy(next, deployed, now));
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            reply.accept("the rule change failed: " + bug);
        }
    }

    /** Removes a rule; answers as {@link Deploy}. */
    record Undeploy(RuleSet next, String name, Consumer<String> reply) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            reply.accept(ingest.undeploy(next, name, now));
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            reply.accept("the rule change failed: " + bug);
        }
    }

    /** A checkpoint barrier after every command before it; waits for room. */
    record Barrier(long id, java.nio.file.Path stores, CompletableFuture<Ingest.Barrier> reply)
            implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            Ingest.Barrier barrier = ingest.checkpoint(id, stores);
            if (barrier == null) {
                return false;
            }
            reply.complete(barrier);
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            reply.completeExceptionally(bug);
        }
    }

    /** Lets the ingest log drop the files a recovery from {@code neededPosition} does not read. */
    record Retain(long neededPosition, CompletableFuture<List<Path>> reply) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            reply.complete(ingest.retainLog(neededPosition));
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            reply.completeExceptionally(bug);
        }
    }

    /**
     * Recovery: a logged record given to the shards again ({@code next}: the rules running once a rule change is
     * replayed, null for other records); waits for room. A failure completes {@code failed}, which the recovery reads
     * once the replay is through.
     */
    record Replay(LogRecord record, RuleSet next, CompletableFuture<Void> failed)
            implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            if (record instanceof LogRecord.Batch batch) {
                return ingest.replayBatch(batch, now);
            } else if (record instanceof LogRecord.Deploy deploy) {
                return ingest.replayDeploy(next, deploy, now);
            } else if (record instanceof LogRecord.Undeploy undeploy) {
                return ingest.replayUndeploy(next, undeploy.name(), now);
            } else if (record instanceof LogRecord.Repaired repaired) {
                ingest.replayRepair(repaired.skippedNumbers());
            }
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            failed.completeExceptionally(bug);
        }
    }

    /**
     * Completes {@code done} once every command before it has run; with {@code live}, idle sources start to be
     * expired by the clock from then on (after recovery, whose replay must give the shards only what the log holds).
     */
    record Sync(boolean live, CompletableFuture<Void> done) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            done.complete(null);
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            done.completeExceptionally(bug);
        }
    }

    /** A stream's current watermark, read on the sequencer's thread. */
    record Watermark(String stream, CompletableFuture<Long> reply) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            reply.complete(ingest.watermark(stream));
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            reply.completeExceptionally(bug);
        }
    }

    /** What the sequencer remembers of a producer's named batches (null: nothing), read on its thread. */
    record Producer(String producer, CompletableFuture<ProducerWindow.Mark> reply) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            reply.complete(ingest.producer(producer));
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            reply.completeExceptionally(bug);
        }
    }

    /** Closes the ingest log, between two appends. */
    record CloseLog(CompletableFuture<Void> done) implements SequencerCommand {
        @Override
        public boolean runOn(Ingest ingest, long now) {
            ingest.closeLog();
            done.complete(null);
            return true;
        }

        @Override
        public void fail(RuntimeException bug) {
            done.completeExceptionally(bug);
        }
    }
}
