package dev.vigil.server.source;

import dev.vigil.server.sequencer.EventSource;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.wire.BatchId;
import dev.vigil.wire.InputLine;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;

/**
 * One producer of events as the server sees it — a WebSocket connection, a named HTTP source — and the one way
 * events get in: offer a batch, and it is either busy at once (nothing happened: offer the same batch again after
 * {@link #retryMs}) or queued, and then answered exactly once on the source's Vert.x context: accepted once it is
 * as durable as the acknowledgement policy asks (with how many of its events were late), or refused (the ingest log
 * did not take it, or the flush that covers it failed: nothing of it counts, and its sender may send it again).
 * Only an accepted batch may be acknowledged to its sender. A source is also one source of event time: while open,
 * its streams' watermarks wait for it (until it falls idle); {@link #close} releases them.
 *
 * <p>A source may offer its next batch before the last is answered: the sequencer keeps one source's batches in the
 * order offered.
 *
 * <p><b>Not thread-safe:</b> use it on the context it was opened on.
 */
public final class Source {
    /** How soon a batch refused as busy is offered again; short, since the sequencer drains fast. */
    static final long RETRY_MS = 2;
    /** How soon while ingestion is paused for memory, which lasts longer. */
    static final long MEMORY_RETRY_MS = 100;

    /**
     * What became of a queued batch: accepted ({@code refused} null, {@code late} of its events late,
     * {@code unrouted} of them of streams no rule reads, whose first names are {@code unroutedStreams}; a
     * {@code duplicate} of a named batch taken before, which was not taken again) or refused.
     */
    public record Outcome(int late, int unrouted, List<String> unroutedStreams, String refused, boolean duplicate) {
        static final Outcome NOTHING = new Outcome(0, 0, List.of(), null, false);

        static Outcome refused(String why) {
            return new Outcome(0, 0, List.of(), why, false);
        }

        /** The batch the sequencer took, as durable as asked ({@code failure} null) or not. */
        static Outcome of(Ingest.Result taken, String failure) {
            return failure != null ? refused(failure)
                    : new Outcome(taken.late(), taken.unrouted(), taken.unroutedStreams(), null, taken.duplicate());
        }
    }

    private final SequencerProxy sequencer;
    private final EventSource time;
    private final Context context;
    private boolean closed;

    private Source(SequencerProxy sequencer, EventSource time, Context context) {
        this.sequencer = sequencer;
        this.time = time;
        this.context = context;
    }

    /**
     * Opens a source named {@code name}, answered on {@code context}; null when the sequencer is too busy to take a
     * new source now (refuse the producer as busy).
     */
    public static Source open(SequencerProxy sequencer, String name, Context context) {
        EventSource time = sequencer.openSource(name);
        return time == null ? null : new Source(sequencer, time, context);
    }

    /**
     * As {@link #open(SequencerProxy, String, Context)}, a source that holds {@code streams} back from the moment it
     * opens (see {@link EventSource#holding}).
     */
    public static Source open(SequencerProxy sequencer, String name, List<String> streams, Context context) {
        EventSource time = sequencer.openSource(EventSource.holding(name, streams));
        return time == null ? null : new Source(sequencer, time, context);
    }

    /**
     * Offers {@code batch}; null when it was queued ({@code answer} then gets its {@link Outcome}), else the busy
     * result that says why nothing was queued, for {@link #retryMs}.
     */
    public Ingest.Result offer(List<InputLine> batch, Consumer<Outcome> answer) {
        return offer(null, batch, answer);
    }

    /**
     * {@link #offer(List, Consumer)} of a batch its client named {@code name} (null: unnamed): a batch taken before
     * is answered as a {@link Outcome#duplicate} once the producer's batches are as durable as asked.
     */
    public Ingest.Result offer(BatchId name, List<InputLine> batch, Consumer<Outcome> answer) {
        return sequencer.offer(time, name, batch, result -> context.runOnContext(ignored -> taken(result, answer)));
    }

    private void taken(Ingest.Result result, Consumer<Outcome> answer) {
        if (result.refused() != null) {
            answer.accept(Outcome.refused(result.refused()));
            return;
        }
        sequencer.whenDurable(result.position(), failure -> {
            if (Vertx.currentContext() == context) {
                answer.accept(Outcome.of(result, failure));
            } else {
                context.runOnContext(ignored -> answer.accept(Outcome.of(result, failure)));
            }
        });
    }

    /** How long to wait before offering a batch refused as {@code busy} again. */
    public static long retryMs(Ingest.Result busy) {
        return busy.refused() != null ? MEMORY_RETRY_MS : RETRY_MS;
    }

    /** The producer went away: after its last batch, its streams' time no longer waits for it. */
    public void close() {
        if (!closed) {
            closed = true;
            sequencer.closeSource(time);
        }
    }
}
