package dev.vigil.flink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The rules stream read from a folder: every file in it is one rule change ({@code x.cep}: rules to deploy or
 * replace, as a rule file; {@code x.delete}: names of rules to delete, one a line), read once, whole, in name order:
 * the files there at the start, then each new one as the folder is scanned. A file is never read again, so a later
 * change is a new file; names that sort in the order of the changes (a counter or a timestamp in front) keep the
 * order. Hidden files (a name starting with {@code .} or {@code _}) are skipped: write a change under such a name and
 * rename it, so that no half-written file is read. Flink's file source keeps which files were read in checkpoints and
 * savepoints, so a restored job does not apply a change twice.
 *
 * <p>The stream runs at parallelism 1 (every task must see the changes in one order) and carries a watermark of
 * +∞ ({@link #watermarks()}), so that it never holds back event time (Vigil's operators ignore it anyway and follow
 * the events' watermark alone; an operator of the user's downstream of it would not).
 */
public final class RuleChanges {
    /** How often the folder is scanned for new changes, unless told otherwise. */
    public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(1);

    private RuleChanges() {
    }

    /** The changes in {@code folder}, scanned every {@code interval}, as the rules stream of {@link VigilCep}. */
    public static DataStream<Tuple2<String, String>> fromFolder(StreamExecutionEnvironment env, String folder,
            Duration interval) {
        FileSource<Tuple2<String, String>> source = FileSource.forBulkFileFormat(new WholeFile(), new Path(folder))
                .monitorContinuously(interval)
                .setSplitAssigner(InNameOrder::new)
                .build();
        return env.fromSource(source, watermarks(), "vigil-rule-changes").setParallelism(1)
                .uid("vigil-rule-changes");
    }

    /**
     * The watermarks of a rules stream: +∞ from the start, so that an operator reading events and rule changes
     * follows the events' watermark alone (Vigil's do whatever the rules stream's watermark).
     */
    public static WatermarkStrategy<Tuple2<String, String>> watermarks() {
        return WatermarkStrategy.forGenerator(context -> new WatermarkGenerator<Tuple2<String, String>>() {
            @Override
            public void onEvent(Tuple2<String, String> change, long timestamp, WatermarkOutput output) {
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }

    /**
     * A whole file as one record: (file name, text), UTF-8. At most {@code 4 * (MAX_CHANGE_CHARS + 1)} bytes are
     * read: a longer file has more characters than {@link LiveRules#MAX_CHANGE_CHARS} either way, and is refused.
     */
    static final class WholeFile implements BulkFormat<Tuple2<String, String>, FileSourceSplit> {
        private static final long serialVersionUID = 1L;

        @Override
        public Reader<Tuple2<String, String>> createReader(Configuration config, FileSourceSplit split) {
            return new Reader<>() {
                private boolean read;

                @Override
                public RecordIterator<Tuple2<String, String>> readBatch() throws IOException {
                    if (read) {
                        return null;
                    }
                    read = true;
                    SingletonResultIterator<Tuple2<String, String>> one = new SingletonResultIterator<>();
                    one.set(Tuple2.of(split.path().getName(), text(split.path())), CheckpointedPosition.NO_OFFSET, 1);
                    return one;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Reader<Tuple2<String, String>> restoreReader(Configuration config, FileSourceSplit split) {
            Optional<CheckpointedPosition> position = split.getReaderPosition();
            if (position.isPresent() && position.get().getRecordsAfterOffset() >= 1) {
                return new Reader<>() {   // the change was read before the checkpoint
                    @Override
                    public RecordIterator<Tuple2<String, String>> readBatch() {
                        return null;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
            return createReader(config, split);
        }

        @Override
        public boolean isSplittable() {
            return false;
        }

        @Override
        public TypeInformation<Tuple2<String, String>> getProducedType() {
            return VigilCep.RULE_CHANGE;
        }

        private static String text(Path path) throws IOException {
            try (InputStream in = path.getFileSystem().open(path)) {
                return new String(in.readNBytes(4 * (LiveRules.MAX_CHANGE_CHARS + 1)), StandardCharsets.UTF_8);
            }
        }
    }

    /** Hands out the files found in name order (Flink's assigners take them in no particular order). */
    static final class InNameOrder implements FileSplitAssigner {
        private final TreeSet<FileSourceSplit> pending = new TreeSet<>(
                Comparator.comparing((FileSourceSplit split) -> split.path().getName())
                        .thenComparing(split -> split.path().toString()).thenComparing(FileSourceSplit::splitId));

        InNameOrder(Collection<FileSourceSplit> initial) {
            pending.addAll(initial);
        }

        @Override
        public Optional<FileSourceSplit> getNext(String hostname) {
            return Optional.ofNullable(pending.pollFirst());
        }

        @Override
        public void addSplits(Collection<FileSourceSplit> splits) {
            pending.addAll(splits);
        }

        @Override
        public Collection<FileSourceSplit> remainingSplits() {
            return new ArrayList<>(pending);
        }
    }
}
