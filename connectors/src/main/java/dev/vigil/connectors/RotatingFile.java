package dev.vigil.connectors;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An append-only text file of lines that rotates itself: before a line would take it past {@code maxBytes}, or once
 * it has been open {@code rotateEveryMs} and holds a line, the file is closed and renamed
 * {@code <stem>-<yyyyMMdd'T'HHmmss'Z'>-<seq><ext>} (UTC; the sequence number, from 001, separates rotations within
 * one second), and a new file is started under the original name. Rotated names sort in the order they were
 * written. With {@code maxFiles > 0} only the newest {@code maxFiles} rotated files are kept.
 *
 * <p>A line longer than {@code maxBytes} is written alone in its file rather than lost.
 *
 * <p><b>Not thread-safe:</b> owned by one file sink's writer thread.
 */
final class RotatingFile {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path path;
    private final long maxBytes;
    private final long rotateEveryMs;
    private final int maxFiles;
    private final Clock clock;
    private final String stem;
    private final String extension;
    private final Pattern rotatedName;
    private Writer out;
    private String lastStamp = "";
    private int lastSequence;
    private long bytes;
    private long openedAtMs;

    RotatingFile(SinkSpec.File spec, Clock clock) {
        this.path = spec.path();
        this.maxBytes = spec.maxBytes();
        this.rotateEveryMs = spec.rotateEveryMs();
        this.maxFiles = spec.maxFiles();
        this.clock = clock;
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.stem = dot > 0 ? name.substring(0, dot) : name;
        this.extension = dot > 0 ? name.substring(dot) : "";
        this.rotatedName = Pattern.compile(Pattern.quote(stem) + "-\\d{8}T\\d{6}Z-\\d{3,}" + Pattern.quote(extension));
    }

    /** Appends {@code line} and a newline, rotating first when the file is full. */
    void append(String line) throws IOException {
        long size = utf8Length(line) + 1;
        if (out != null && bytes > 0 && bytes + size > maxBytes) {
            rotate();
        }
        if (out == null) {
            open();
        }
        out.write(line);
        out.write('\n');
        bytes += size;
    }

    /** Rotates a file that holds lines and is older than {@code rotateEveryMs}. */
    void rotateIfOld() throws IOException {
        if (out != null && bytes > 0 && rotateEveryMs > 0 && clock.millis() - openedAtMs >= rotateEveryMs) {
            rotate();
        }
    }

    void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    void close() throws IOException {
        if (out != null) {
            Writer closing = out;
            out = null;
            closing.close();
        }
    }

    private void open() throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE), StandardCharsets.UTF_8), 64 << 10);
        bytes = Files.size(path);
        openedAtMs = clock.millis();
    }

    private void rotate() throws IOException {
        close();
        Path folder = path.toAbsolutePath().getParent();
        String stamp = STAMP.format(clock.instant());
        // never reuse a sequence number within a second, even once pruning freed it: names must keep their order
        int sequence = stamp.equals(lastStamp) ? lastSequence + 1 : 1;
        Path target = folder.resolve(String.format("%s-%s-%03d%s", stem, stamp, sequence, extension));
        while (Files.exists(target)) {   // rotated by an earlier run of the server
            target = folder.resolve(String.format("%s-%s-%03d%s", stem, stamp, ++sequence, extension));
        }
        lastStamp = stamp;
        lastSequence = sequence;
        Files.move(path, target);
        if (maxFiles > 0) {
            prune(folder);
        }
    }

    private void prune(Path folder) throws IOException {
        List<Path> rotated = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(file -> rotatedName.matcher(file.getFileName().toString()).matches()).forEach(rotated::add);
        }
        rotated.sort(null);
        for (int i = 0; i < rotated.size() - maxFiles; i++) {
            Files.deleteIfExists(rotated.get(i));
        }
    }

    private static long utf8Length(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
