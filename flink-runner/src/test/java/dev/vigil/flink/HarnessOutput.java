package dev.vigil.flink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/** What Flink's operator test harnesses collected, by kind. */
final class HarnessOutput {
    private HarnessOutput() {
    }

    /** The records' values (a side output the operator never wrote to is null: no values). */
    static <T> List<T> values(Collection<StreamRecord<T>> records) {
        List<T> values = new ArrayList<>();
        if (records != null) {
            for (StreamRecord<T> record : records) {
                values.add(record.getValue());
            }
        }
        return values;
    }

    /** The watermarks' timestamps, in order. */
    static List<Long> watermarks(Collection<Object> output) {
        List<Long> marks = new ArrayList<>();
        for (Object element : output) {
            if (element instanceof Watermark) {
                marks.add(((Watermark) element).getTimestamp());
            }
        }
        return marks;
    }

    /** The watermark statuses, in order. */
    static List<WatermarkStatus> statuses(Collection<Object> output) {
        List<WatermarkStatus> statuses = new ArrayList<>();
        for (Object element : output) {
            if (element instanceof WatermarkStatus) {
                statuses.add((WatermarkStatus) element);
            }
        }
        return statuses;
    }
}
