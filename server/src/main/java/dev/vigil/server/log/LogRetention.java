package dev.vigil.server.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.openhft.chronicle.queue.RollCycle;

/**
 * Which files of the ingest log may go: the log is one file per roll cycle (an hour), and a cycle's file is deleted
 * when it is older than the retention time, or when the log is over its size budget (oldest first), but never when
 * the oldest kept checkpoint still needs it (a recovery replays the log after that checkpoint's position) and never
 * the file being written.
 *
 * @param retentionMs files whose cycle ended longer ago than this go; 0 keeps them whatever their age
 * @param retentionBytes the log's size budget: the oldest files go while it is over it; 0 for no budget
 */
public record LogRetention(long retentionMs, long retentionBytes) {
    /** The suffix of Chronicle Queue's cycle files. */
    static final String SUFFIX = ".cq4";

    public LogRetention {
        if (retentionMs < 0 || retentionBytes < 0) {
            throw new IllegalArgumentException("retention must not be negative");
        }
    }

    /**
     * The files of {@code folder} to delete now.
     *
     * @param neededCycle the cycle of the position the oldest kept checkpoint starts from: it and later ones stay
     * @param currentCycle the cycle being written: it stays
     */
    List<Path> expired(Path folder, RollCycle rollCycle, int neededCycle, int currentCycle, long nowMs)
            throws IOException {
        List<CycleFile> files = cycleFiles(folder, rollCycle);
        long total = 0;
        for (CycleFile file : files) {
            total += file.bytes;
        }
        List<Path> expired = new ArrayList<>();
        for (CycleFile file : files) {   // oldest first
            if (file.cycle >= neededCycle || file.cycle >= currentCycle) {
                break;
            }
            long endedAtMs = (file.cycle + 1L) * rollCycle.lengthInMillis();
            boolean tooOld = retentionMs > 0 && nowMs - endedAtMs > retentionMs;
            boolean overBudget = retentionBytes > 0 && total > retentionBytes;
            if (!tooOld && !overBudget) {
                break;
            }
            expired.add(file.path);
            total -= file.bytes;
        }
        return expired;
    }

    private record CycleFile(Path path, int cycle, long bytes) {}

    /** The cycle files of {@code folder}, oldest first; files not named as the roll cycle names them are left out. */
    private static List<CycleFile> cycleFiles(Path folder, RollCycle rollCycle) throws IOException {
        DateTimeFormatter names = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        List<CycleFile> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                try {
                    TemporalAccessor parsed = names.parse(name.substring(0, name.length() - SUFFIX.length()));
                    long startMs = toInstant(parsed, rollCycle).toEpochMilli();
                    files.add(new CycleFile(file, (int) (startMs / rollCycle.lengthInMillis()), Files.size(file)));
                } catch (DateTimeParseException notACycle) {
                    // not one of the log's cycle files: never ours to delete
                }
            }
        }
        files.sort(Comparator.comparingInt(CycleFile::cycle));
        return files;
    }

    /** The start of the cycle a file name denotes (names carry date and, for shorter cycles, hour and minute). */
    private static Instant toInstant(TemporalAccessor parsed, RollCycle rollCycle) {
        java.time.LocalDate date = java.time.LocalDate.from(parsed);
        int hour = parsed.isSupported(java.time.temporal.ChronoField.HOUR_OF_DAY)
                ? parsed.get(java.time.temporal.ChronoField.HOUR_OF_DAY) : 0;
        int minute = parsed.isSupported(java.time.temporal.ChronoField.MINUTE_OF_HOUR)
                ? parsed.get(java.time.temporal.ChronoField.MINUTE_OF_HOUR) : 0;
        return date.atTime(hour, minute).toInstant(ZoneOffset.UTC);
    }
}
