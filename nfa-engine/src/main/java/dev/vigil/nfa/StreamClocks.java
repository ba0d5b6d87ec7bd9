package dev.vigil.nfa;

import dev.vigil.nfa.runtime.StreamClock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event-time clocks of an engine's streams without the engine: which events are late and where each stream's
 * watermark is, decided exactly as {@link Engine#offer} decides them, for a host that matches the events elsewhere
 * ({@link KeyedRule}, in a Flink job that must report the same late events as {@code vigil run}).
 *
 * <p>Each stream the rules read has a clock whose watermark is its largest on-time timestamp minus its delay
 * ({@link StreamDelays#merge}) minus one, or where an explicit watermark put it; an event at or below its stream's
 * watermark is late and moves nothing; an event of a stream no rule reads is unrouted. {@link #watermark()}, the
 * lowest of every stream's, is a watermark for all of them at once: no event found on time here is at or below it.
 *
 * <p><b>Not thread-safe:</b> one per thread reading the input in order.
 */
public final class StreamClocks {
    private final Map<String, StreamClock> clocks = new LinkedHashMap<>();
    private final boolean watermarksFromInputOnly;

    /**
     * Clocks for the streams of {@code delaysMs} (stream to watermark delay); with {@code watermarksFromInputOnly}
     * only explicit watermarks move them ({@link EngineConfig#watermarksFromInputOnly}).
     */
    public StreamClocks(Map<String, Long> delaysMs, boolean watermarksFromInputOnly) {
        for (Map.Entry<String, Long> delay : delaysMs.entrySet()) {
            clocks.put(delay.getKey(), new StreamClock(delay.getKey(), delay.getValue()));
        }
        this.watermarksFromInputOnly = watermarksFromInputOnly;
    }

    /** The clocks an {@link Engine} running {@code rules} with {@code config} starts with. */
    public static StreamClocks of(Collection<CompiledRule> rules, EngineConfig config) {
        return new StreamClocks(StreamDelays.merge(rules, config.defaultWatermarkDelayMs()),
                config.watermarksFromInputOnly());
    }

    /**
     * Takes one event in input order: {@link Offer#LATE} at or below its stream's watermark (then
     * {@link #lateEvent} says why), {@link Offer#UNROUTED} when no rule reads its stream, else
     * {@link Offer#ACCEPTED}, and the stream's clock follows the event's time.
     */
    public Offer offer(Event event) {
        StreamClock clock = clocks.get(event.stream());
        if (clock == null) {
            return Offer.UNROUTED;
        }
        clock.countEvent();
        if (event.timestamp() <= clock.watermark()) {
            clock.countLate();
            return Offer.LATE;
        }
        if (!watermarksFromInputOnly) {
            clock.observe(event.timestamp());
        }
        return Offer.ACCEPTED;
    }

    /** The report of an event {@link #offer} found late, as the engine gives it to its listener. */
    public LateEvent lateEvent(Event event) {
        StreamClock clock = clocks.get(event.stream());
        if (clock == null) {
            throw new IllegalArgumentException("no rule reads stream '" + event.stream() + "' of " + event);
        }
        return late(event, clock);
    }

    /** An explicit watermark for every stream (an input line {@code {"watermark": ts}}). */
    public void advanceWatermark(long timestamp) {
        for (StreamClock clock : clocks.values()) {
            clock.advanceTo(timestamp);
        }
    }

    /** An explicit watermark for one stream; unknown streams are ignored. */
    public void advanceWatermark(String stream, long timestamp) {
        StreamClock clock = clocks.get(stream);
        if (clock != null) {
            clock.advanceTo(timestamp);
        }
    }

    /** The stream's watermark; {@code Long.MIN_VALUE} when no rule reads it or nothing came yet. */
    public long watermark(String stream) {
        StreamClock clock = clocks.get(stream);
        return clock == null ? Long.MIN_VALUE : clock.watermark();
    }

    /** The lowest watermark of every stream: {@link Long#MAX_VALUE} with no streams. */
    public long watermark() {
        long lowest = Long.MAX_VALUE;
        for (StreamClock clock : clocks.values()) {
            lowest = Math.min(lowest, clock.watermark());
        }
        return lowest;
    }

    /** The largest on-time timestamp of the stream so far; {@code Long.MIN_VALUE} when none or no rule reads it. */
    public long maxSeen(String stream) {
        StreamClock clock = clocks.get(stream);
        return clock == null ? Long.MIN_VALUE : clock.maxSeen();
    }

    /**
     * Puts a stream's clock back where a checkpoint found it ({@link #maxSeen}, {@link #watermark(String)}), for a
     * host restoring its state; unknown streams are ignored (no rule reads them any more).
     */
    public void restore(String stream, long maxSeen, long watermark) {
        StreamClock clock = clocks.get(stream);
        if (clock != null) {
            clocks.put(stream, StreamClock.restored(stream, clock.delayMs(), maxSeen, watermark, clock.events(),
                    clock.late()));
        }
    }

    /** Late events so far, over every stream. */
    public long late() {
        long late = 0;
        for (StreamClock clock : clocks.values()) {
            late += clock.late();
        }
        return late;
    }

    /** The report of a late event: shared with the engine, so both say it in the same words. */
    static LateEvent late(Event event, StreamClock clock) {
        return new LateEvent(event, clock.watermark(), "event time " + event.timestamp()
                + " is at or below the watermark " + clock.watermark() + " of stream '" + clock.stream()
                + "' (latest event time " + clock.maxSeen() + ", watermark delay " + clock.delayMs() + " ms)");
    }
}
