package dev.vigil.server.sequencer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.IdleStrategy;

/**
 * How the sequencer waits when it has nothing to do: it spins, then yields, then parks — until {@link #wake} (the
 * proxy calls it after each command it queues) or for at most a millisecond while a command waits for room in the
 * shards' queues (nothing wakes it when they drain) and {@link #MAX_PARK_NANOS} otherwise. A command queued while
 * it decides to park is not missed: it marks itself parked, then looks at the queue once more.
 */
final class ParkingIdle implements IdleStrategy {
    private static final int SPINS = 200;
    private static final int YIELDS = 50;
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long ROOM_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final BooleanSupplier queued;
    private final BooleanSupplier waitingForRoom;
    private volatile Thread parked;
    private int idleCycles;

    /**
     * @param queued whether a command is queued
     * @param waitingForRoom whether a command waits for room in the shards' queues
     */
    ParkingIdle(BooleanSupplier queued, BooleanSupplier waitingForRoom) {
        this.queued = queued;
        this.waitingForRoom = waitingForRoom;
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
                LockSupport.parkNanos(this, waitingForRoom.getAsBoolean() ? ROOM_PARK_NANOS : MAX_PARK_NANOS);
            }
            parked = null;
        }
    }

    @Override
    public void reset() {
        idleCycles = 0;
    }

    /** Wakes the sequencer if it is parked; from any thread. */
    void wake() {
        Thread thread = parked;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
