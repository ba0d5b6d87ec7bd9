package dev.vigil.server.checkpoint;

import dev.vigil.server.rules.RuleText;
import dev.vigil.server.sequencer.ProducerWindow;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The bytes of a checkpoint or savepoint file, and the checks that make a damaged one detectable.
 *
 * <p>Layout (big-endian): the magic {@code VGCP}, the format version, the writing server's version, id, savepoint
 * name (or none), log position, creation time, last event number; the stream watermarks; the rules (name, version,
 * origin, text, deployment time); the shard count and each shard's engine state as a length and bytes; the
 * producers of named batches remembered (count, then name, highest sequence, log position; least recently active
 * first; since format 2, format 1 files remember none); then the CRC-32C of everything before it and the end marker {@code PCGV}. A file cut short misses the end marker or the
 * checksum, a changed byte breaks the checksum: either way the file is refused and recovery uses an older one.
 *
 * <p>The format version changes whenever the layout or the engine state's encoding changes; a server reads its own
 * version and older ones, and refuses newer ones with a message naming both versions.
 */
public final class CheckpointFormat {
    /** The format this server writes: 2 added the producers of named batches. */
    public static final int VERSION = 2;
    private static final int MAGIC = 0x56474350;       // "VGCP"
    private static final int END_MAGIC = 0x50434756;   // "PCGV"
    private static final int NONE = -1;
    /** Longer than any rule text or name the server accepts. */
    private static final int MAX_TEXT_BYTES = 64 << 20;
    /** The checksum and the end marker. */
    private static final int TRAILER_BYTES = Long.BYTES + Integer.BYTES;
    /** Magic, format version and the shortest writer version: less is not a checkpoint. */
    private static final int HEADER_BYTES = 3 * Integer.BYTES;

    private CheckpointFormat() {
    }

    /** Writes {@code checkpoint} to {@code out} (which the caller closes and syncs). */
    public static void write(Checkpoint checkpoint, OutputStream out) throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(out, 1 << 16), new CRC32C());
        DataOutputStream data = new DataOutputStream(checked);
        data.writeInt(MAGIC);
        data.writeInt(VERSION);
        text(data, checkpoint.serverVersion());
        data.writeLong(checkpoint.id());
        text(data, checkpoint.name());
        data.writeLong(checkpoint.position());
        data.writeLong(checkpoint.createdAtMs());
        data.writeLong(checkpoint.sequence());
        data.writeInt(checkpoint.watermarks().size());
        for (Map.Entry<String, Long> watermark : checkpoint.watermarks().entrySet()) {
            text(data, watermark.getKey());
            data.writeLong(watermark.getValue());
        }
        data.writeInt(checkpoint.rules().size());
        for (RuleText rule : checkpoint.rules()) {
            text(data, rule.name());
            data.writeInt(rule.version());
            text(data, rule.origin());
            text(data, rule.text());
            data.writeLong(rule.deployedAtMs());
        }
        data.writeInt(checkpoint.shards().size());
        for (byte[] shard : checkpoint.shards()) {
            data.writeInt(shard.length);
            data.write(shard);
        }
        data.writeInt(checkpoint.producers().size());
        for (ProducerWindow.Mark producer : checkpoint.producers()) {
            text(data, producer.producer());
            data.writeLong(producer.sequence());
            data.writeLong(producer.position());
        }
        data.flush();
        long crc = checked.getChecksum().getValue();
        DataOutputStream trailer = new DataOutputStream(out);
        trailer.writeLong(crc);
        trailer.writeInt(END_MAGIC);
        trailer.flush();
    }

    /**
     * Reads a checkpoint file written by {@link #write}: first checks its end marker and checksum over the whole
     * file, then parses it, so a damaged file is never half-read.
     *
     * @throws UnreadableCheckpointException when the file is cut short, damaged or of a newer format
     */
    public static Checkpoint read(Path file) throws IOException, UnreadableCheckpointException {
        String label = file.getFileName().toString();
        long size = Files.size(file);
        long body = size - TRAILER_BYTES;
        if (body < HEADER_BYTES) {
            throw new UnreadableCheckpointException(label + " is incomplete: the file ends early", false);
        }
        readHeader(file);   // a newer format is refused as such, even if its layout moved the checksum
        verifyChecksum(file, body, label);
        return parse(file, label, true).checkpoint();
    }

    /**
     * What a checkpoint file says about itself, read from its start without reading or checking the state; or, for
     * a file that cannot be read, its name, size and the reason ({@link #problem}).
     *
     * @param rules the names of the rules it holds
     * @param problem null for a readable header, else why the file cannot be used
     */
    public record Header(long id, String name, long position, long createdAtMs, String serverVersion, int format,
            long sizeBytes, List<String> rules, String problem) {
        public Header {
            rules = List.copyOf(rules);
        }

        static Header unreadable(String name, long sizeBytes, String problem) {
            return new Header(-1, name, -1, -1, "unknown", -1, sizeBytes, List.of(), problem);
        }
    }

    /** Reads the header of a checkpoint file (see {@link Header}); the checksum is checked only by {@link #read}. */
    public static Header readHeader(Path file) throws IOException, UnreadableCheckpointException {
        Parsed parsed = parse(file, file.getFileName().toString(), false);
        Checkpoint head = parsed.checkpoint();
        List<String> rules = new ArrayList<>();
        for (RuleText rule : head.rules()) {
            rules.add(rule.name());
        }
        return new Header(head.id(), head.name(), head.position(), head.createdAtMs(), head.serverVersion(),
                parsed.format(), Files.size(file), rules, null);
    }

    private record Parsed(Checkpoint checkpoint, int format) {}

    /** Parses a file; without {@code withShards} the engine states are not read (the list is empty). */
    private static Parsed parse(Path file, String label, boolean withShards)
            throws IOException, UnreadableCheckpointException {
        try (DataInputStream data = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (data.readInt() != MAGIC) {
                throw new UnreadableCheckpointException(label + " is not a Vigil checkpoint (wrong magic number)",
                        false);
            }
            int format = data.readInt();
            String writer = text(data);
            if (format > VERSION || format < 1) {
                throw new UnreadableCheckpointException(label + " was written by Vigil " + writer + " in format "
                        + format + "; this server reads formats 1 to " + VERSION
                        + ": start it with the Vigil version that wrote it, or without this checkpoint", true);
            }
            long id = data.readLong();
            String name = text(data);
            long position = data.readLong();
            long createdAtMs = data.readLong();
            long sequence = data.readLong();
            int streams = data.readInt();
            Map<String, Long> watermarks = new LinkedHashMap<>();
            for (int i = 0; i < streams; i++) {
                watermarks.put(text(data), data.readLong());
            }
            int ruleCount = data.readInt();
            List<RuleText> rules = new ArrayList<>(ruleCount);
            for (int i = 0; i < ruleCount; i++) {
                String rule = text(data);
                int version = data.readInt();
                String origin = text(data);
                String text = text(data);
                rules.add(new RuleText(rule, version, origin, text, data.readLong()));
            }
            List<byte[]> shards = new ArrayList<>();
            List<ProducerWindow.Mark> producers = new ArrayList<>();
            if (withShards) {
                int shardCount = data.readInt();
                for (int i = 0; i < shardCount; i++) {
                    byte[] state = new byte[data.readInt()];
                    data.readFully(state);
                    shards.add(state);
                }
                int producerCount = format >= 2 ? data.readInt() : 0;
                for (int i = 0; i < producerCount; i++) {
                    producers.add(new ProducerWindow.Mark(text(data), data.readLong(), data.readLong()));
                }
            }
            return new Parsed(new Checkpoint(id, name, position, createdAtMs, writer, sequence, watermarks, rules,
                    shards, producers), format);
        } catch (EOFException cutShort) {
            throw new UnreadableCheckpointException(label + " is damaged: its contents end early", false);
        }
    }

    /** Compares the stored CRC-32C with one computed over the file's first {@code body} bytes. */
    private static void verifyChecksum(Path file, long body, String label)
            throws IOException, UnreadableCheckpointException {
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            long left = body;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw new EOFException(label);
                }
                crc.update(buffer, 0, read);
                left -= read;
            }
            DataInputStream trailer = new DataInputStream(in);
            long stored = trailer.readLong();
            if (trailer.readInt() != END_MAGIC) {
                throw new UnreadableCheckpointException(label + " is incomplete: its end marker is missing", false);
            }
            if (stored != crc.getValue()) {
                throw new UnreadableCheckpointException(label + " is damaged: its checksum does not match", false);
            }
        }
    }

    private static void text(DataOutputStream data, String text) throws IOException {
        if (text == null) {
            data.writeInt(NONE);
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        data.writeInt(utf8.length);
        data.write(utf8);
    }

    private static String text(DataInputStream data) throws IOException {
        int length = data.readInt();
        if (length == NONE) {
            return null;
        }
        if (length < 0 || length > MAX_TEXT_BYTES) {
            throw new EOFException("implausible text length " + length);   // damage in a header not yet checked
        }
        byte[] utf8 = new byte[length];
        data.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
