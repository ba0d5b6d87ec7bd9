package dev.vigil.server.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.rules.RuleText;
import dev.vigil.server.sequencer.ProducerWindow;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path data;

    @Test
    void aCheckpointReadsBackAsWritten() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        Checkpoint written = checkpoint(7, 1234);
        store.writeCheckpoint(written);

        Checkpoint read = store.latestCheckpoint(fail()).orElseThrow();

        assertEquals(7, read.id());
        assertNull(read.name());
        assertEquals(1234, read.position());
        assertEquals(written.createdAtMs(), read.createdAtMs());
        assertEquals("test-1", read.serverVersion());
        assertEquals(99, read.sequence());
        assertEquals(Map.of("card", 5_000L, "login", -3L), read.watermarks());
        assertEquals(written.rules(), read.rules());
        assertEquals(2, read.shards().size());
        assertArrayEquals(written.shards().get(0), read.shards().get(0));
        assertArrayEquals(written.shards().get(1), read.shards().get(1));
    }

    @Test
    void theProducersOfNamedBatchesReadBackInTheirOrder() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        List<ProducerWindow.Mark> producers = List.of(new ProducerWindow.Mark("old", 3, 100),
                new ProducerWindow.Mark("shop:1", 9_000_000_000L, 1_234));
        Checkpoint plain = checkpoint(7, 1234);
        store.writeCheckpoint(new Checkpoint(plain.id(), null, plain.position(), plain.createdAtMs(),
                plain.serverVersion(), plain.sequence(), plain.watermarks(), plain.rules(), plain.shards(), producers));
        assertEquals(producers, store.latestCheckpoint(fail()).orElseThrow().producers());
    }

    /**
     * A checkpoint of format 1 (before named batches: no producers after the shards' states) still reads, remembering
     * no producer. Made from a format-2 file without producers: the version set to 1, the empty producer count cut,
     * the checksum computed again.
     */
    @Test
    void aCheckpointOfFormat1ReadsWithNoProducers() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        store.writeCheckpoint(checkpoint(7, 1234));
        Path file;
        try (Stream<Path> files = Files.list(data.resolve("checkpoints"))) {
            file = files.filter(f -> f.toString().endsWith(".vcp")).findFirst().orElseThrow();
        }
        byte[] v2 = Files.readAllBytes(file);
        int body = v2.length - 12 - 4;   // trailer: CRC-32C (8) and end marker (4); before it, producer count 0
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(body + 12);
        v1.put(v2, 0, body).putInt(4, 1);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(v1.array(), 0, body);
        v1.position(body);
        v1.putLong(crc.getValue()).put(v2, v2.length - 4, 4);
        Files.write(file, v1.array());

        Checkpoint read = CheckpointFormat.read(file);
        assertEquals(List.of(), read.producers());
        assertEquals(1, CheckpointFormat.readHeader(file).format());
        assertEquals(99, read.sequence());
        assertEquals(2, read.shards().size());
    }

    @Test
    void onlyTheNewestTwoCheckpointsAreKeptAndTheNewestIsUsed() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        for (long id = 1; id <= 4; id++) {
            store.writeCheckpoint(checkpoint(id, id * 100));
        }

        assertEquals(List.of("checkpoint-00000000000000000003.vcp", "checkpoint-00000000000000000004.vcp"),
                names(data.resolve("checkpoints")));
        assertEquals(4, store.latestCheckpoint(fail()).orElseThrow().id());
        assertEquals(300, store.oldestKeptPosition(), "the log must keep what the older kept checkpoint needs");
        assertEquals(5, store.nextId());
    }

    @Test
    void aDamagedNewestCheckpointIsReportedAndThePreviousOneUsed() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        store.writeCheckpoint(checkpoint(1, 100));
        Path newest = store.writeCheckpoint(checkpoint(2, 200));
        try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0x20);
        }

        List<String> skipped = new ArrayList<>();
        Checkpoint used = store.latestCheckpoint(skipped::add).orElseThrow();

        assertEquals(1, used.id());
        assertEquals(List.of("checkpoint-00000000000000000002.vcp is damaged: its checksum does not match"), skipped);
    }

    @Test
    void aCheckpointCutShortIsReportedAndThePreviousOneUsed() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        store.writeCheckpoint(checkpoint(1, 100));
        Path newest = store.writeCheckpoint(checkpoint(2, 200));
        try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
            file.setLength(file.length() - 5);
        }

        List<String> skipped = new ArrayList<>();
        assertEquals(1, store.latestCheckpoint(skipped::add).orElseThrow().id());
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).startsWith("checkpoint-00000000000000000002.vcp is "), skipped.get(0));
    }

    @Test
    void aCheckpointOfANewerFormatIsRefusedNamingBothVersions() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        Path file = store.writeSavepoint(checkpoint(1, 100).named("future"));
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(Integer.BYTES);
            raw.writeInt(CheckpointFormat.VERSION + 1);
        }

        UnreadableCheckpointException refused = assertThrows(UnreadableCheckpointException.class,
                () -> store.readSavepoint("future"));

        assertTrue(refused.incompatible());
        assertEquals("future.vsp was written by Vigil test-1 in format " + (CheckpointFormat.VERSION + 1)
                + "; this server reads formats 1 to " + CheckpointFormat.VERSION
                + ": start it with the Vigil version that wrote it, or without this checkpoint", refused.getMessage());
    }

    @Test
    void savepointsAreKeptUntilDeletedAndNamesAreUnique() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        store.writeSavepoint(checkpoint(3, 300).named("before-upgrade"));
        for (long id = 4; id <= 6; id++) {
            store.writeCheckpoint(checkpoint(id, id * 100));
        }

        assertThrows(FileAlreadyExistsException.class,
                () -> store.writeSavepoint(checkpoint(7, 700).named("before-upgrade")));
        CheckpointFormat.Header header = store.savepoints().get(0);
        assertEquals("before-upgrade", header.name());
        assertEquals(300, header.position());
        assertEquals(List.of("fraud", "login"), header.rules());
        assertNull(header.problem());
        assertEquals(300, store.readSavepoint("before-upgrade").position());
        assertTrue(store.deleteSavepoint("before-upgrade"));
        assertFalse(store.deleteSavepoint("before-upgrade"));
        assertTrue(store.savepoints().isEmpty());
    }

    @Test
    void checkpointsAndSavepointsAfterAPositionAreMovedAsideAndTheOthersStay() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        store.writeSavepoint(checkpoint(1, 200).named("at-the-last-kept"));
        store.writeSavepoint(checkpoint(2, 201).named("after-it"));
        store.writeCheckpoint(checkpoint(3, 150));
        store.writeCheckpoint(checkpoint(4, 300));
        Files.writeString(data.resolve("savepoints").resolve("garbage.vsp"), "not a checkpoint");
        Path aside = data.resolve("aside");

        List<CheckpointStore.SetAside> moved = store.setAsideAfter(200, aside);

        assertEquals(List.of("checkpoint-00000000000000000004.vcp 300", "after-it.vsp 201"), moved.stream()
                .map(file -> file.from().getFileName() + " " + file.position()).toList(), "checkpoints first");
        assertEquals(List.of("after-it.vsp", "checkpoint-00000000000000000004.vcp"), names(aside));
        assertEquals(List.of("checkpoint-00000000000000000003.vcp"), names(data.resolve("checkpoints")));
        assertEquals(List.of("at-the-last-kept.vsp", "garbage.vsp"), names(data.resolve("savepoints")),
                "a savepoint at the position stays, one that cannot be read is not used and stays");
        assertEquals(3, store.latestCheckpoint(fail()).orElseThrow().id());
        assertEquals(List.of(), store.setAsideAfter(200, data.resolve("again")), "nothing left to move");
        assertFalse(Files.exists(data.resolve("again")), "no folder when nothing is moved");
    }

    @Test
    void savepointNamesAreCheckedWithAReason() {
        assertNull(CheckpointStore.invalidSavepointName("nightly-2026.11.21_a"));
        assertEquals("a savepoint needs a name", CheckpointStore.invalidSavepointName(""));
        assertEquals("savepoint name '../x' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter"
                + " or digit", CheckpointStore.invalidSavepointName("../x"));
    }

    @Test
    void openingRemovesFilesACrashLeftHalfWritten() throws Exception {
        CheckpointStore.open(data);
        Path leftover = data.resolve("checkpoints").resolve(".checkpoint-00000000000000000009.vcp.tmp");
        Files.write(leftover, new byte[] {1, 2, 3});

        CheckpointStore.open(data);

        assertFalse(Files.exists(leftover));
    }

    /**
     * RocksDB's checkpoints ({@code checkpoint-<id>.rocksdb}, written by the shards before the file) go with their
     * file when it is pruned; one whose file was never written (a crash or failure mid-checkpoint) is deleted when
     * the store opens, and the newest complete checkpoint stays the latest.
     */
    @Test
    void rocksDbCheckpointsArePrunedWithTheirFileAndRemovedWithoutOne() throws Exception {
        CheckpointStore store = CheckpointStore.open(data);
        for (long id = 1; id <= 4; id++) {
            Files.createDirectories(store.storeCheckpoints(id).resolve("shard-0"));
            Files.write(store.storeCheckpoints(id).resolve("shard-0").resolve("000009.sst"), new byte[] {1});
            store.writeCheckpoint(checkpoint(id, id * 100));
        }
        assertEquals(List.of("checkpoint-00000000000000000003.rocksdb", "checkpoint-00000000000000000003.vcp",
                "checkpoint-00000000000000000004.rocksdb", "checkpoint-00000000000000000004.vcp"),
                names(data.resolve("checkpoints")));

        Files.createDirectories(store.storeCheckpoints(5).resolve("shard-1.tmp"));   // interrupted: no file 5
        CheckpointStore reopened = CheckpointStore.open(data);

        assertEquals(List.of("checkpoint-00000000000000000003.rocksdb", "checkpoint-00000000000000000003.vcp",
                "checkpoint-00000000000000000004.rocksdb", "checkpoint-00000000000000000004.vcp"),
                names(data.resolve("checkpoints")));
        assertEquals(4, reopened.latestCheckpoint(fail()).orElseThrow().id());
        reopened.deleteStoreCheckpoints(4);
        assertFalse(Files.exists(reopened.storeCheckpoints(4)));
    }

    private static Checkpoint checkpoint(long id, long position) {
        List<RuleText> rules = List.of(
                new RuleText("fraud", 3, "http", "RULE fraud ...", 1_700_000_000_000L),
                new RuleText("login", 1, "rules/login.vgl", "RULE login ... ünïcode", 1_700_000_000_001L));
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + id);
        }
        return new Checkpoint(id, null, position, 1_700_000_100_000L + id, "test-1", 99,
                Map.of("card", 5_000L, "login", -3L), rules, List.of(new byte[] {1, 2, 3}, big));
    }

    private static java.util.function.Consumer<String> fail() {
        return message -> {
            throw new AssertionError("unexpected skip: " + message);
        };
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
