package dev.vigil.server.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The checkpoint and savepoint files of a data folder: {@code checkpoints/checkpoint-<id>.vcp}, of which the newest
 * {@link #KEPT_CHECKPOINTS} are kept, and {@code savepoints/<name>.vsp}, kept until deleted.
 *
 * <p>A file is written under a temporary name, forced to disk and renamed, so a crash leaves either the whole file
 * or none under the final name; a file damaged later is caught by its checksum ({@link CheckpointFormat}) and
 * recovery falls back to the one before.
 *
 * <p><b>RocksDB's checkpoints.</b> On the rocksdb state backend a checkpoint is also a folder
 * {@code checkpoint-<id>.rocksdb} holding one RocksDB checkpoint per shard ({@code shard-N}: hard links to the
 * shard's table files), written by the shards at the barrier, before the file; the shards' states in the file name
 * them instead of holding the keys. The file is the checkpoint's completion mark: it is renamed into place only once
 * every shard's RocksDB checkpoint is complete, so a folder without its file is a checkpoint a crash or a failure
 * interrupted, deleted when the store opens (or when the checkpoint fails); a pruned checkpoint loses its file
 * first, then its folder. Savepoints always hold every key (portable between backends).
 *
 * <p><b>Not thread-safe:</b> one checkpointing thread writes; reads happen at start and from the savepoint API,
 * which synchronize on the store.
 */
public final class CheckpointStore {
    /** Complete checkpoints kept: the newest, and one to fall back on should the newest be damaged. */
    public static final int KEPT_CHECKPOINTS = 2;
    private static final Pattern SAVEPOINT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final String CHECKPOINT_PREFIX = "checkpoint-";
    private static final String CHECKPOINT_SUFFIX = ".vcp";
    private static final String SAVEPOINT_SUFFIX = ".vsp";
    private static final String STORES_SUFFIX = ".rocksdb";

    private final Path checkpoints;
    private final Path savepoints;

    private CheckpointStore(Path checkpoints, Path savepoints) {
        this.checkpoints = checkpoints;
        this.savepoints = savepoints;
    }

    /** The store of {@code dataDir}, creating its folders; removes files a crash left half-written. */
    public static CheckpointStore open(Path dataDir) throws IOException {
        CheckpointStore store = new CheckpointStore(dataDir.resolve("checkpoints"), dataDir.resolve("savepoints"));
        Files.createDirectories(store.checkpoints);
        Files.createDirectories(store.savepoints);
        for (Path folder : List.of(store.checkpoints, store.savepoints)) {
            for (Path file : list(folder, ".tmp")) {
                Files.deleteIfExists(file);
            }
        }
        for (Path stores : list(store.checkpoints, STORES_SUFFIX)) {
            Path file = stores.resolveSibling(stores.getFileName().toString().replace(STORES_SUFFIX, CHECKPOINT_SUFFIX));
            if (!Files.exists(file)) {
                deleteTree(stores);   // a checkpoint interrupted before its file was written
            }
        }
        return store;
    }

    /**
     * Where the shards of checkpoint {@code id} write RocksDB's own checkpoints ({@code shard-N} in it); the
     * folder belongs to the checkpoint whose file has that id.
     */
    public Path storeCheckpoints(long id) {
        return checkpoints.resolve(String.format("%s%020d%s", CHECKPOINT_PREFIX, id, STORES_SUFFIX));
    }

    /** Deletes checkpoint {@code id}'s RocksDB checkpoints, if any: the checkpoint failed or is pruned. */
    public synchronized void deleteStoreCheckpoints(long id) throws IOException {
        deleteTree(storeCheckpoints(id));
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Null when {@code name} is a usable savepoint name, else what is wrong with it. */
    public static String invalidSavepointName(String name) {
        if (name == null || name.isEmpty()) {
            return "a savepoint needs a name";
        }
        if (!SAVEPOINT_NAME.matcher(name).matches()) {
            return "savepoint name '" + name + "' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit";
        }
        return null;
    }

    /** An id above every checkpoint's and savepoint's in this folder. */
    public synchronized long nextId() throws IOException {
        long max = 0;
        for (Path file : list(checkpoints, CHECKPOINT_SUFFIX)) {
            max = Math.max(max, idOf(file));
        }
        for (Path file : list(savepoints, SAVEPOINT_SUFFIX)) {
            try {
                max = Math.max(max, CheckpointFormat.readHeader(file).id());
            } catch (UnreadableCheckpointException | IOException unreadable) {
                // a damaged savepoint does not hold an id back
            }
        }
        return max + 1;
    }

    /** Writes a periodic checkpoint, then deletes all but the newest {@link #KEPT_CHECKPOINTS}. */
    public synchronized Path writeCheckpoint(Checkpoint checkpoint) throws IOException {
        Path file = checkpoints.resolve(String.format("%s%020d%s", CHECKPOINT_PREFIX, checkpoint.id(),
                CHECKPOINT_SUFFIX));
        writeAtomically(checkpoint, file);
        List<Path> all = checkpointFiles();
        for (int i = KEPT_CHECKPOINTS; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));   // the file first: a folder without its file is never used
            deleteTree(storeCheckpoints(idOf(all.get(i))));
        }
        return file;
    }

    /**
     * The newest checkpoint that reads back whole; each newer one that does not is reported to {@code skipped} (and
     * left in place for inspection).
     */
    public synchronized Optional<Checkpoint> latestCheckpoint(Consumer<String> skipped) throws IOException {
        for (Path file : checkpointFiles()) {
            try {
                return Optional.of(CheckpointFormat.read(file));
            } catch (UnreadableCheckpointException unreadable) {
                skipped.accept(unreadable.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The log position the oldest kept checkpoint starts from: what the ingest log must keep (0: everything). */
    public synchronized long oldestKeptPosition() throws IOException {
        List<Path> all = checkpointFiles();
        long oldest = Long.MAX_VALUE;
        for (Path file : all) {
            try {
                oldest = Math.min(oldest, CheckpointFormat.readHeader(file).position());
            } catch (UnreadableCheckpointException unreadable) {
                // cannot be restored from, so it needs nothing
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : oldest;
    }

    /** A checkpoint or savepoint {@link #setAsideAfter} moved: where it was, where it is now, and its position. */
    public record SetAside(Path from, Path to, long position) {}

    /**
     * Moves every checkpoint and savepoint whose log position lies after {@code lastPosition} into {@code folder}
     * (created when something is moved), keeping their file names; returns them, checkpoints first. After a
     * repair dropped the log's records after {@code lastPosition}, new records take the dropped positions, so a
     * recovery from such a file would skip them. A file whose header cannot be read stays: recovery does not use it.
     */
    public synchronized List<SetAside> setAsideAfter(long lastPosition, Path folder) throws IOException {
        List<SetAside> moved = new ArrayList<>();
        List<Path> files = checkpointFiles();
        java.util.Collections.reverse(files);   // oldest first
        List<Path> savepointFiles = list(savepoints, SAVEPOINT_SUFFIX);
        savepointFiles.sort(Comparator.naturalOrder());
        files.addAll(savepointFiles);
        for (Path file : files) {
            long position;
            try {
                position = CheckpointFormat.readHeader(file).position();
            } catch (UnreadableCheckpointException unreadable) {
                continue;
            }
            if (position > lastPosition) {
                Files.createDirectories(folder);
                Path to = folder.resolve(file.getFileName());
                Path stores = file.getParent().equals(checkpoints) ? storeCheckpoints(idOf(file)) : null;
                if (stores != null && Files.exists(stores)) {
                    Files.move(stores, folder.resolve(stores.getFileName()));   // before its file: see open
                }
                Files.move(file, to);
                moved.add(new SetAside(file, to, position));
            }
        }
        if (!moved.isEmpty()) {
            syncFolder(checkpoints);
            syncFolder(savepoints);
            syncFolder(folder);
        }
        return moved;
    }

    /** Writes a savepoint under its name; fails when one of that name exists. */
    public synchronized Path writeSavepoint(Checkpoint savepoint) throws IOException {
        Path file = savepointFile(savepoint.name());
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "a savepoint named '" + savepoint.name()
                    + "' exists");
        }
        writeAtomically(savepoint, file);
        return file;
    }

    /** The savepoints' headers, oldest first. */
    public synchronized List<CheckpointFormat.Header> savepoints() throws IOException {
        List<CheckpointFormat.Header> headers = new ArrayList<>();
        for (Path file : list(savepoints, SAVEPOINT_SUFFIX)) {
            try {
                headers.add(CheckpointFormat.readHeader(file));
            } catch (UnreadableCheckpointException unreadable) {
                headers.add(CheckpointFormat.Header.unreadable(nameOf(file), Files.size(file),
                        unreadable.getMessage()));
            }
        }
        headers.sort(Comparator.comparingLong(CheckpointFormat.Header::id));
        return headers;
    }

    /** A savepoint's header, or empty when there is none of that name. */
    public synchronized Optional<CheckpointFormat.Header> savepoint(String name) throws IOException {
        Path file = savepointFile(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(CheckpointFormat.readHeader(file));
        } catch (UnreadableCheckpointException unreadable) {
            return Optional.of(CheckpointFormat.Header.unreadable(name, Files.size(file), unreadable.getMessage()));
        }
    }

    /** Reads a whole savepoint, by name or as a path to a file. */
    public synchronized Checkpoint readSavepoint(String nameOrPath) throws IOException, UnreadableCheckpointException {
        Path file = invalidSavepointName(nameOrPath) == null ? savepointFile(nameOrPath) : Path.of(nameOrPath);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no savepoint named '" + nameOrPath + "' in "
                    + savepoints + " and no such file");
        }
        return CheckpointFormat.read(file);
    }

    /** Deletes a savepoint; false when there is none of that name. */
    public synchronized boolean deleteSavepoint(String name) throws IOException {
        return Files.deleteIfExists(savepointFile(name));
    }

    private Path savepointFile(String name) {
        String invalid = invalidSavepointName(name);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        return savepoints.resolve(name + SAVEPOINT_SUFFIX);
    }

    /** Checkpoint files, newest first. */
    private List<Path> checkpointFiles() throws IOException {
        List<Path> files = list(checkpoints, CHECKPOINT_SUFFIX);
        files.sort(Comparator.comparingLong(CheckpointStore::idOf).reversed());
        return files;
    }

    private static void writeAtomically(Checkpoint checkpoint, Path file) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
            CheckpointFormat.write(checkpoint, out);
            channel.force(true);
        } catch (IOException | RuntimeException failed) {
            Files.deleteIfExists(temp);
            throw failed;
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notAtomic) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncFolder(file.getParent());
    }

    /** Makes the rename itself durable (Linux: fsync of the directory). */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    private static List<Path> list(Path folder, String suffix) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*" + suffix)) {
            for (Path file : stream) {
                files.add(file);
            }
        } catch (NoSuchFileException gone) {
            return files;
        }
        return files;
    }

    private static long idOf(Path checkpointFile) {
        String name = checkpointFile.getFileName().toString();
        try {
            return Long.parseLong(name.substring(CHECKPOINT_PREFIX.length(), name.length() - CHECKPOINT_SUFFIX.length()));
        } catch (RuntimeException notOurs) {
            return -1;
        }
    }

    private static String nameOf(Path savepointFile) {
        String name = savepointFile.getFileName().toString();
        return name.substring(0, name.length() - SAVEPOINT_SUFFIX.length());
    }
}
