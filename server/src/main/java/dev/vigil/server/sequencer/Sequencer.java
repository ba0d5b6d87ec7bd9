package dev.vigil.server.sequencer;

import java.util.Queue;
import java.util.function.LongSupplier;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sequencer: one thread that owns the door into the shards ({@link Ingest}) and does everything asked of it in
 * one order, the ingest log's.
 *
 * <p><b>Why one writer.</b> Everything that passes the door must be totally ordered: event numbers, the lateness
 * of each event (decided from every source's time), the log position of each batch, and where each rule change and
 * checkpoint barrier falls between batches. With one thread owning that state, the order is simply the order the
 * thread does things in: no lock, no lock held across a disk write, and no disk write on a Vert.x event loop (the
 * ingest log's appends, including the stalls while Chronicle maps a new file chunk, happen here). Sources, the rules
 * API, the rules folder's reloader, the checkpointer and recovery talk to it only through commands
 * ({@link SequencerCommand}) that the {@link SequencerProxy} puts on a bounded queue from many threads to this one.
 *
 * <p><b>The duty cycle.</b> {@link #doWork} reads the clock once, runs the command that waits for room (if any)
 * and then up to {@link #COMMANDS_PER_CYCLE} more, and returns how many it ran, so that the idle strategy backs off
 * only when there was nothing to do. A command that finds a shard's queue full does nothing and stays at the head:
 * the next cycle runs it first, before anything behind it. Batches are therefore never bounced back to their
 * source once queued, and one source's batches stay in the order it sent them, which is what lets a WebSocket
 * connection send its next message before the last is answered. Rule changes do not wait: they are answered
 * "busy" at once, as before there was a queue, since their senders simply ask again.
 *
 * <p><b>Time.</b> Idle sources stop holding their streams' time back after the idle timeout; the cycle checks for
 * them every {@code idleCheckNanos} of its clock, but only once {@linkplain SequencerCommand.Sync live}: during
 * recovery the shards must get exactly what the log holds, and idleness depends on the clock. Tests drive
 * {@link #doWork} with a clock of their own and no thread.
 *
 * <p><b>Failures.</b> A command that throws is a bug: it is logged and answered with a failure
 * ({@link SequencerCommand#fail}), so its sender does not wait forever, and the sequencer goes on with the next.
 *
 * <p><b>Not thread-safe:</b> {@link #doWork} runs on one thread (the agent runner's, or a test's).
 */
public final class Sequencer implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);

    /** Commands run per cycle at most, so the idle-source check and the clock stay current under load. */
    static final int COMMANDS_PER_CYCLE = 256;

    private final Ingest ingest;
    private final Queue<SequencerCommand> commands;
    private final Queue<SequencerCommand> overflow;
    private final LongSupplier nanoClock;
    private final long idleCheckNanos;
    /** The command that found no room in the shards' queues; run first on the next cycle. */
    private SequencerCommand waiting;
    private boolean live;
    private long nextIdleCheckNanos;

    /**
     * @param commands the queue the proxy fills
     * @param overflow control commands that did not fit in {@code commands} (a source's close), run when it is empty
     * @param idleCheckNanos how often idle sources are looked for, once live
     */
    Sequencer(Ingest ingest, Queue<SequencerCommand> commands, Queue<SequencerCommand> overflow,
            LongSupplier nanoClock, long idleCheckNanos) {
        this.ingest = ingest;
        this.commands = commands;
        this.overflow = overflow;
        this.nanoClock = nanoClock;
        this.idleCheckNanos = idleCheckNanos;
    }

    @Override
    public int doWork() {
        long now = nanoClock.getAsLong();
        int work = 0;
        while (work < COMMANDS_PER_CYCLE) {
            SequencerCommand command = waiting;
            if (command == null) {
                command = commands.poll();
            }
            if (command == null) {
                command = overflow.poll();
            }
            if (command == null) {
                break;
            }
            if (!run(command, now)) {
                waiting = command;
                break;
            }
            waiting = null;
            work++;
        }
        if (live && now - nextIdleCheckNanos >= 0) {
            nextIdleCheckNanos = now + idleCheckNanos;
            ingest.expireIdleSources(now);
        }
        return work;
    }

    /** True when a command waits for room in the shards' queues (the idle strategy then parks briefly). */
    boolean waitingForRoom() {
        return waiting != null;
    }

    private boolean run(SequencerCommand command, long now) {
        try {
            if (!command.runOn(ingest, now)) {
                return false;
            }
            if (command instanceof SequencerCommand.Sync sync && sync.live() && !live) {
                live = true;
                nextIdleCheckNanos = now + idleCheckNanos;
            }
        } catch (RuntimeException bug) {
            report(bug, ", running " + command.getClass().getSimpleName());
            command.fail(bug);
        }
        return true;
    }

    /** Logs a bug, with its stack: {@code doing} tells what the sequencer was doing, may be empty. */
    void report(Throwable bug, String doing) {
        LOG.error("internal error in the sequencer{}: {}", doing, bug.toString(), bug);
    }

    @Override
    public String roleName() {
        return "vigil-sequencer";
    }
}
