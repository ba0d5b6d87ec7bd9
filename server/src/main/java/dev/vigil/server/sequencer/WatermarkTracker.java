package dev.vigil.server.sequencer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/**
 * Event time of the server's input: one watermark per stream, combined from the sources that feed it, decided
 * before events reach the shards so every shard sees the same time.
 *
 * <p>Per (source, stream) the watermark is Flink's bounded-out-of-orderness rule, {@code max seen − delay − 1},
 * raised by the source's explicit {@code {"watermark": ts}} messages. A stream's watermark is the minimum over its
 * active sources (a slow producer holds back the stream rather than making a fast producer's events late) and
 * never moves backwards. An event at or below its stream's watermark is late.
 *
 * <p>Idleness, as Flink's {@code withIdleness}: a source that sent nothing for {@code idleTimeoutNanos} (or that
 * disconnected) stops holding its streams back; it is active again with its next message. When every source of
 * a stream is idle, none holds it back: the stream moves to the furthest watermark of its sources, so events
 * already received are matched and their timeouts fire. A stream with no active source (every source idle, or
 * none ever since the stream was first read, for longer than the timeout) is idle, and its watermark follows the
 * furthest of the active streams, so a rule reading a quiet stream beside a busy one still sees time pass and
 * absences fire. Beyond that, time only moves with input, as in Flink: a producer with nothing to say keeps time
 * moving by sending watermarks.
 *
 * <p><b>Not thread-safe:</b> the server drives it under its ingest lock.
 */
public final class WatermarkTracker {
    private final long idleTimeoutNanos;
    private final Map<String, StreamTime> streams = new HashMap<>();
    private final Map<String, StreamTime> setAside = new HashMap<>();
    private final List<StreamTime> advanced = new ArrayList<>();
    private final List<EventSource> sources = new ArrayList<>();
    private int idleStreams;
    private final Mark mark = new Mark();

    public WatermarkTracker(long idleTimeoutNanos) {
        if (idleTimeoutNanos < 1) {
            throw new IllegalArgumentException("idle timeout " + idleTimeoutNanos + " ns < 1");
        }
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    /** Starts tracking a source. */
    public EventSource open(String name, long nowNanos) {
        EventSource source = EventSource.named(name);
        open(source, nowNanos);
        return source;
    }

    /** Starts tracking {@code source}, made by its connection ({@link EventSource#named}). */
    public void open(EventSource source, long nowNanos) {
        source.lastActiveNanos = nowNanos;
        sources.add(source);
        for (String held : source.holds) {
            StreamTime stream = streams.get(held);
            if (stream != null) {
                contribution(source, stream);   // nothing seen yet: it holds the stream where it is
            }
        }
    }

    /** The sources tracked now (read on the sequencer's thread only). */
    List<EventSource> sources() {
        return sources;
    }

    /** A source that went away stops holding its streams back at once. */
    public void close(EventSource source, long nowNanos) {
        if (source.closed) {
            return;
        }
        source.closed = true;
        sources.remove(source);
        for (SourceStream contribution : source.streams.values()) {
            contribution.stream.participants.remove(contribution);
            recompute(contribution.stream, nowNanos);
        }
        followActiveStreams();
    }

    /**
     * The streams rules read and their watermark delays: new streams start being tracked (they are not idle before
     * the idle timeout has passed), a larger delay slows a stream's watermark from now on. A stream no rule reads
     * any more is set aside, so its events are neither late nor timed; if a rule reads it again, its time goes on
     * from where it was.
     */
    public void track(Map<String, Long> delaysByStream, long nowNanos) {
        for (Iterator<StreamTime> tracked = streams.values().iterator(); tracked.hasNext(); ) {
            StreamTime stream = tracked.next();
            if (!delaysByStream.containsKey(stream.name)) {
                tracked.remove();
                setAside.put(stream.name, stream);
                stream.read = false;
                idleStreams -= stream.idle ? 1 : 0;
            }
        }
        delaysByStream.forEach((name, delay) -> {
            StreamTime stream = streams.get(name);
            if (stream == null && setAside.containsKey(name)) {
                stream = setAside.remove(name);
                stream.read = true;
                stream.delayMs = delay;
                idleStreams += stream.idle ? 1 : 0;
                streams.put(name, stream);
                if (stream.watermark > stream.published) {
                    advanced.add(stream);
                }
            } else if (stream == null) {
                stream = new StreamTime(name, delay, nowNanos);
                streams.put(name, stream);
                for (EventSource source : sources) {
                    if (source.explicitAll != Long.MIN_VALUE || source.holds.contains(name)) {
                        contribution(source, stream);
                    }
                }
            } else {
                stream.delayMs = delay;
            }
            recompute(stream, nowNanos);
        });
        followActiveStreams();
    }

    /** Marks a source active now: called once per message, before its elements. */
    public void heard(EventSource source, long nowNanos) {
        source.lastActiveNanos = nowNanos;
        if (source.idle) {
            source.idle = false;
            for (SourceStream contribution : source.streams.values()) {
                recompute(contribution.stream, nowNanos);
            }
        }
    }

    /** True when an event of {@code stream} at {@code timestamp} is late; streams no rule reads are never late. */
    public boolean isLate(String stream, long timestamp) {
        StreamTime time = streams.get(stream);
        return time != null && timestamp <= time.watermark;
    }

    /** Records an on-time event; streams no rule reads are ignored. */
    public void observe(EventSource source, String stream, long timestamp, long nowNanos) {
        StreamTime time = streams.get(stream);
        if (time == null) {
            return;
        }
        SourceStream contribution = contribution(source, time);
        if (timestamp > contribution.maxSeen) {
            contribution.maxSeen = timestamp;
            if (contribution.watermark(time.delayMs) > time.watermark) {
                recompute(time, nowNanos);
                followActiveStreams();
            }
        }
    }

    /** An explicit watermark from a source, for one stream or ({@code stream} null) for every stream. */
    public void explicit(EventSource source, String stream, long timestamp, long nowNanos) {
        if (stream == null) {
            source.explicitAll = Math.max(source.explicitAll, timestamp);
            for (StreamTime time : streams.values()) {
                contribution(source, time);
                recompute(time, nowNanos);
            }
        } else {
            StreamTime time = streams.get(stream);
            if (time == null) {
                return;
            }
            SourceStream contribution = contribution(source, time);
            contribution.explicit = Math.max(contribution.explicit, timestamp);
            recompute(time, nowNanos);
        }
        followActiveStreams();
    }

    /**
     * Recovery: a watermark the shards were given before a restart, for one stream or ({@code stream} null) every
     * stream; the stream's time goes on from there, and it is not handed out again.
     */
    public void restore(String stream, long watermark) {
        for (StreamTime time : streams.values()) {
            if (stream == null || time.name.equals(stream)) {
                time.watermark = Math.max(time.watermark, watermark);
                time.published = Math.max(time.published, watermark);
            }
        }
    }

    /** Marks sources silent for longer than the idle timeout as idle; call periodically. */
    public void expireIdle(long nowNanos) {
        for (EventSource source : sources) {
            if (!source.idle && nowNanos - source.lastActiveNanos >= idleTimeoutNanos) {
                source.idle = true;
            }
        }
        for (StreamTime stream : streams.values()) {
            recompute(stream, nowNanos);
        }
        followActiveStreams();
    }

    /** The watermark of a stream, {@code Long.MIN_VALUE} when untracked or nothing is known yet. */
    public long watermark(String stream) {
        StreamTime time = streams.get(stream);
        return time == null ? Long.MIN_VALUE : time.watermark;
    }

    /** True when no active source feeds the stream (see the class comment). */
    public boolean idle(String stream) {
        StreamTime time = streams.get(stream);
        return time != null && time.idle;
    }

    /** Hands each stream whose watermark advanced since the last call to {@code sink}, once, with its watermark. */
    public void drainAdvances(ObjLongConsumer<String> sink) {
        for (int i = 0; i < advanced.size(); i++) {
            StreamTime stream = advanced.get(i);
            if (stream.read && stream.watermark > stream.published) {
                stream.published = stream.watermark;
                sink.accept(stream.name, stream.watermark);
            }
        }
        advanced.clear();
    }

    /** The current watermark of every tracked stream that has one, to bring a newly started engine up to date. */
    public void currentWatermarks(ObjLongConsumer<String> sink) {
        for (StreamTime stream : streams.values()) {
            if (stream.watermark != Long.MIN_VALUE) {
                sink.accept(stream.name, stream.watermark);
            }
        }
    }

    private SourceStream contribution(EventSource source, StreamTime stream) {
        SourceStream contribution = source.streams.get(stream.name);
        if (contribution == null) {
            contribution = new SourceStream(source, stream);
            source.streams.put(stream.name, contribution);
            stream.participants.add(contribution);
        }
        return contribution;
    }

    /**
     * The minimum over the stream's active sources, never moving back. With no active source the stream is idle;
     * if it had sources, none holds it back any more, so it moves to the furthest of theirs.
     */
    private void recompute(StreamTime stream, long nowNanos) {
        if (!stream.read) {
            return;   // set aside: no rule reads it
        }
        long minimum = Long.MAX_VALUE;
        long furthest = Long.MIN_VALUE;
        boolean anyActive = false;
        for (int i = 0; i < stream.participants.size(); i++) {
            SourceStream contribution = stream.participants.get(i);
            long watermark = contribution.watermark(stream.delayMs);
            furthest = Math.max(furthest, watermark);
            if (contribution.source.active()) {
                anyActive = true;
                minimum = Math.min(minimum, watermark);
            }
        }
        boolean idle = !anyActive && (!stream.participants.isEmpty() || hadNoSourceForLong(stream, nowNanos));
        if (idle != stream.idle) {
            stream.idle = idle;
            idleStreams += idle ? 1 : -1;
        }
        raise(stream, anyActive ? minimum : furthest);
    }

    private boolean hadNoSourceForLong(StreamTime stream, long nowNanos) {
        return nowNanos - stream.knownSinceNanos >= idleTimeoutNanos;
    }

    /** Idle streams follow the furthest active stream, so they never hold a rule back. */
    private void followActiveStreams() {
        if (idleStreams == 0) {
            return;
        }
        long furthest = Long.MIN_VALUE;
        boolean anyIdle = false;
        for (StreamTime stream : streams.values()) {
            if (stream.idle) {
                anyIdle = true;
            } else {
                furthest = Math.max(furthest, stream.watermark);
            }
        }
        if (!anyIdle || furthest == Long.MIN_VALUE) {
            return;
        }
        for (StreamTime stream : streams.values()) {
            if (stream.idle) {
                raise(stream, furthest);
            }
        }
    }

    private void raise(StreamTime stream, long watermark) {
        if (watermark > stream.watermark) {
            if (stream.read && stream.watermark <= stream.published) {
                advanced.add(stream);
            }
            stream.watermark = watermark;
        }
    }

    /**
     * Remembers the event time of every source and stream, so {@link #rollback} can undo what a batch did to it
     * when the batch is not taken after all (its ingest log write failed). Between the two, only {@link #heard},
     * {@link #isLate}, {@link #observe}, {@link #explicit}, {@link #expireIdle} and {@link #drainAdvances} may be
     * called. Allocates nothing once its arrays have grown to the number of sources and streams.
     */
    public void mark() {
        mark.take(sources);
    }

    /**
     * As {@link #mark()}, for a batch of one source: only that source's own values are kept (a batch changes no
     * other source's), so the cost does not grow with the number of connections. Between this and
     * {@link #rollback}, {@link #expireIdle} must not be called.
     */
    public void mark(EventSource source) {
        mark.oneSource.clear();
        mark.oneSource.add(source);
        mark.take(mark.oneSource);
    }

    /** Puts event time back where {@link #mark} found it: as if the batch since then never came. */
    public void rollback() {
        mark.restore();
    }

    /** The values a batch can change, kept in arrays reused from batch to batch. */
    private final class Mark {
        private final List<EventSource> markedSources = new ArrayList<>();
        private final List<EventSource> oneSource = new ArrayList<>(1);
        private final List<SourceStream> markedContributions = new ArrayList<>();
        private final List<StreamTime> markedStreams = new ArrayList<>();
        private final List<StreamTime> markedAdvanced = new ArrayList<>();
        private long[] sourceValues = new long[8];
        private long[] contributionValues = new long[16];
        private long[] streamValues = new long[24];
        private int markedIdleStreams;

        void take(List<EventSource> marked) {
            markedSources.clear();
            markedContributions.clear();
            markedStreams.clear();
            markedAdvanced.clear();
            markedAdvanced.addAll(advanced);
            markedIdleStreams = idleStreams;
            sourceValues = room(sourceValues, 3 * marked.size());
            for (int i = 0; i < marked.size(); i++) {
                EventSource source = marked.get(i);
                markedSources.add(source);
                sourceValues[3 * i] = source.lastActiveNanos;
                sourceValues[3 * i + 1] = source.idle ? 1 : 0;
                sourceValues[3 * i + 2] = source.explicitAll;
                for (SourceStream contribution : source.streams.values()) {
                    int at = 2 * markedContributions.size();
                    contributionValues = room(contributionValues, at + 2);
                    markedContributions.add(contribution);
                    contributionValues[at] = contribution.maxSeen;
                    contributionValues[at + 1] = contribution.explicit;
                }
            }
            for (StreamTime stream : streams.values()) {
                int at = 3 * markedStreams.size();
                streamValues = room(streamValues, at + 3);
                markedStreams.add(stream);
                streamValues[at] = stream.watermark;
                streamValues[at + 1] = stream.published;
                streamValues[at + 2] = stream.idle ? 1 : 0;
            }
        }

        void restore() {
            for (int i = 0; i < markedSources.size(); i++) {
                EventSource source = markedSources.get(i);
                source.lastActiveNanos = sourceValues[3 * i];
                source.idle = sourceValues[3 * i + 1] == 1;
                source.explicitAll = sourceValues[3 * i + 2];
                // contributions the batch created go again (a source's first event on a stream)
                for (Iterator<SourceStream> created = source.streams.values().iterator(); created.hasNext(); ) {
                    SourceStream contribution = created.next();
                    if (!markedContributions.contains(contribution)) {
                        created.remove();
                        contribution.stream.participants.remove(contribution);
                    }
                }
            }
            for (int i = 0; i < markedContributions.size(); i++) {
                markedContributions.get(i).maxSeen = contributionValues[2 * i];
                markedContributions.get(i).explicit = contributionValues[2 * i + 1];
            }
            for (int i = 0; i < markedStreams.size(); i++) {
                StreamTime stream = markedStreams.get(i);
                stream.watermark = streamValues[3 * i];
                stream.published = streamValues[3 * i + 1];
                stream.idle = streamValues[3 * i + 2] == 1;
            }
            idleStreams = markedIdleStreams;
            advanced.clear();
            advanced.addAll(markedAdvanced);
        }

        private long[] room(long[] values, int needed) {
            return values.length >= needed ? values : java.util.Arrays.copyOf(values, Math.max(needed,
                    2 * values.length));
        }
    }
}
