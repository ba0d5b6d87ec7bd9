package dev.vigil.server.agent;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.agrona.concurrent.IdleStrategy;

/**
 * How a single-writer agent waits when its duty cycle found nothing to do: it spins a little, yields a little, then
 * parks until {@link #wake} (its proxy calls it after each command it queues) or for at most the time its
 * {@code parkNanos} says (what the agent must do by its clock even without commands: look for idle sources, retry
 * a command that waits for room downstream, publish counters). A command queued while the agent decides to park is
 * not missed: it marks itself parked, then looks at its queue once more; the producer queues, then reads the mark.
 *
 * <p>The spins and yields are few on purpose: the server runs its event loop, the sequencer, the shards and the
 * alert fan-out on as few as 2 cores, where a thread that spins long takes the core another thread needs.
 *
 * <p><b>Thread-safe:</b> {@link #idle} on the agent's thread only; {@link #wake} from any thread.
 */
public final class ParkingIdle implements IdleStrategy {
    static final int SPINS = 200;
    static final int YIELDS = 50;

    private final BooleanSupplier queued;
    private final LongSupplier parkNanos;
    private volatile Thread parked;
    private int idleCycles;

    /**
     * @param queued whether a command is queued (looked at after the parked mark is set)
     * @param parkNanos how long to park at most, read before each park
     */
    public ParkingIdle(BooleanSupplier queued, LongSupplier parkNanos) {
        this.queued = queued;
        this.parkNanos = parkNanos;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            idleCycles = 0;
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        int cycle = idleCycles++;
        if (cycle < SPINS) {
            Thread.onSpinWait();
        } else if (cycle < SPINS + YIELDS) {
            Thread.yield();
        } else {
            parked = Thread.currentThread();
            if (!queued.getAsBoolean()) {
                LockSupport.parkNanos(this, parkNanos.getAsLong());
            }
            parked = null;
        }
    }

    @Override
    public void reset() {
        idleCycles = 0;
    }

    /** Wakes the agent if it is parked; from any thread. */
    public void wake() {
        Thread thread = parked;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
