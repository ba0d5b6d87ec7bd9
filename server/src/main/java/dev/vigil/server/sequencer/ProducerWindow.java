package dev.vigil.server.sequencer;

import dev.vigil.wire.BatchId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory of named batches: for each producer, the highest batch sequence the sequencer took from it and the
 * ingest log position of that batch. A batch at or below it is a duplicate: acknowledged again, not taken. Kept in
 * the ingest log (each named batch's record holds its id, replayed by recovery) and in checkpoints ({@link #marks}),
 * so it survives a crash and a restart from a checkpoint.
 *
 * <p>Bound. At most {@code capacity} producers are remembered; taking a batch from one more forgets the producer
 * whose last batch is the oldest (least recently sent, duplicates included), and counts it: a batch of a forgotten
 * producer is taken again, so the window is "the {@code capacity} most recently active producers". Each costs a
 * map entry of about 150 bytes.
 *
 * <p><b>Not thread-safe:</b> owned by the sequencer's thread; the counts are read from any thread.
 */
public final class ProducerWindow {
    /** What the window holds of one producer: the highest sequence taken, and where that batch is in the log. */
    public record Mark(String producer, long sequence, long position) {}

    private final int capacity;
    /** Producer to {sequence, position}, least recently active first (moved to the end by {@link #touch}). */
    private final LinkedHashMap<String, long[]> producers = new LinkedHashMap<>(64);
    private volatile int size;
    private volatile long forgotten;
    private volatile long duplicates;

    public ProducerWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("producer window of " + capacity + " < 1");
        }
        this.capacity = capacity;
    }

    /**
     * The mark of the producer when {@code batch} is at or below its highest sequence (a duplicate: counted), else
     * null (the batch is new: take it, then call {@link #taken}).
     */
    Mark duplicate(BatchId batch) {
        long[] mark = producers.get(batch.producer());
        if (mark == null || batch.sequence() > mark[0]) {
            return null;
        }
        touch(batch.producer(), mark);
        duplicates++;
        return new Mark(batch.producer(), mark[0], mark[1]);
    }

    /** The batch was taken at {@code position}: the producer's highest sequence from now on. */
    void taken(BatchId batch, long position) {
        long[] mark = producers.get(batch.producer());
        if (mark == null) {
            producers.put(batch.producer(), new long[] {batch.sequence(), position});
            if (producers.size() > capacity) {
                Iterator<Map.Entry<String, long[]>> eldest = producers.entrySet().iterator();
                eldest.next();
                eldest.remove();
                forgotten++;
            }
            size = producers.size();
        } else {
            if (batch.sequence() > mark[0]) {
                mark[0] = batch.sequence();
                mark[1] = position;
            }
            touch(batch.producer(), mark);
        }
    }

    /** Makes the producer the most recently active (the last in the map's order). */
    private void touch(String producer, long[] mark) {
        producers.remove(producer);
        producers.put(producer, mark);
    }

    /** The producer's mark, or null when it is not remembered; does not count as activity. */
    Mark get(String producer) {
        long[] mark = producers.get(producer);
        return mark == null ? null : new Mark(producer, mark[0], mark[1]);
    }

    /** Every mark, least recently active first: what a checkpoint keeps. */
    List<Mark> marks() {
        List<Mark> marks = new ArrayList<>(producers.size());
        for (Map.Entry<String, long[]> entry : producers.entrySet()) {
            marks.add(new Mark(entry.getKey(), entry.getValue()[0], entry.getValue()[1]));
        }
        return marks;
    }

    /** Recovery from a checkpoint: the marks it kept, in their order (the least recently active first). */
    void restore(List<Mark> marks) {
        producers.clear();
        for (Mark mark : marks) {
            taken(new BatchId(mark.producer(), mark.sequence()), mark.position());
        }
        size = producers.size();
    }

    /** Producers remembered now. */
    public int size() {
        return size;
    }

    /** Producers forgotten for the bound so far. */
    public long forgotten() {
        return forgotten;
    }

    /** Batches acknowledged as duplicates so far. */
    public long duplicates() {
        return duplicates;
    }
}
