package dev.vigil.loadgen;

/**
 * When one connection sends: its schedule (or none: as fast as acknowledgements allow), where the measured period
 * begins, and when sending stops. Times are {@link System#nanoTime()} values.
 *
 * @param zeroNanos the run's clock origin: events' {@code s} count nanoseconds from it
 * @param measureFromNanos the end of the warm-up
 * @param measureUntilNanos when sending stops, or {@link Long#MAX_VALUE} when the run counts events instead
 * @param eventsToMeasure events to send after the warm-up, or {@link Long#MAX_VALUE} when the run is timed
 * @param intervalNanos time between two messages of this connection at a fixed rate; 0 for as fast as accepted
 * @param offsetNanos when this connection's first message is due after {@code zeroNanos}, so that connections
 *     sending at a fixed rate take turns instead of sending together
 * @param batch events per message
 */
record SendPlan(long zeroNanos, long measureFromNanos, long measureUntilNanos, long eventsToMeasure,
        double intervalNanos, long offsetNanos, int batch) {
    SendPlan {
        if (batch < 1 || intervalNanos < 0 || eventsToMeasure < 0) {
            throw new IllegalArgumentException("batch " + batch + ", interval " + intervalNanos + ", events "
                    + eventsToMeasure);
        }
    }

    boolean paced() {
        return intervalNanos > 0;
    }

    /** When message {@code frame} (from 0) is due at a fixed rate. */
    long dueNanos(long frame) {
        return zeroNanos + offsetNanos + (long) (frame * intervalNanos);
    }
}
