package dev.vigil.connectors;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
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
 * <p>Given a confining folder, the file is only opened once every folder on its way, symbolic links resolved, is
 * inside it (checked before a missing folder is created, so nothing is created outside it either), and the file
 * itself is opened without following a symbolic link: a link planted in the folder cannot send alerts elsewhere.
 *
 * <p><b>Not thread-safe:</b> owned by one file sink's writer thread.
 */
final class RotatingFile {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path path;
    private final Path folder;
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

    /** Refuses to open a file outside the confining folder; not worth retrying until the links change. */
    static final class OutsideFolderException extends IOException {
        OutsideFolderException(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** @param folder the folder the file must stay in, symbolic links resolved; {@code null}: anywhere */
    RotatingFile(SinkSpec.File spec, Clock clock, Path folder) {
        this.path = spec.path();
        this.folder = folder;
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
        if (folder != null) {
            staysInFolder(parent);
        }
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OpenOption[] options = {StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE};
        if (folder != null) {
            staysInFolder(parent);   // again: a folder may have been swapped for a link meanwhile
            options = new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};
        }
        try {
            out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path, options),
                    StandardCharsets.UTF_8), 64 << 10);
        } catch (IOException link) {   // ELOOP: "Too many levels of symbolic links"
            if (folder != null && Files.isSymbolicLink(path)) {
                throw new OutsideFolderException("refused to write " + path + ": it is a symbolic link, and a sink "
                        + "named in rule text writes only to files inside " + folder);
            }
            throw link;
        }
        bytes = Files.size(path);
        openedAtMs = clock.millis();
    }

    /**
     * Throws unless {@code dir}'s deepest existing ancestor (itself, when it exists), symbolic links resolved, is
     * inside the folder; the parts still missing are then created inside it.
     */
    private void staysInFolder(Path dir) throws IOException {
        Files.createDirectories(folder);
        Path root = folder.toRealPath();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        Path real = existing == null ? null : existing.toRealPath();
        if (real == null || !real.startsWith(root)) {
            throw new OutsideFolderException("refused to write " + path + ": its folder leads to " + real
                    + " through a symbolic link, outside " + root + ", where sinks named in rule text write");
        }
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
