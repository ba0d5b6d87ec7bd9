package dev.vigil.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Event-to-alert latency percentiles of a run, in milliseconds, read from an HdrHistogram of microseconds
 * (3 significant digits).
 *
 * @param count alerts recorded (those of the measured period)
 */
public record Latency(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs,
        double meanMs) {
    static Latency of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
                ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()), micros.getMean() / 1_000.0);
    }

    private static double ms(long micros) {
        return micros / 1_000.0;
    }
}
