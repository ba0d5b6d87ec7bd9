package dev.vigil.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one server (or {@code vigil repair-log}) that uses a data folder: an exclusive lock on
 * {@code <data>/vigil.lock}, which holds the holder's process id. Everything in the folder assumes a single writer:
 * two servers appending to the same ingest log would interleave their numbering, and each takes the other's
 * half-written files for a killed writer's ({@link ChronicleSetup#writable}). The operating system releases the
 * lock when its process ends, however it ends (also by {@code kill -9}), so a crash never leaves the folder locked.
 */
public final class DataFolderLock implements AutoCloseable {
    static final String FILE = "vigil.lock";
    private final FileChannel file;
    private final FileLock lock;

    private DataFolderLock(FileChannel file, FileLock lock) {
        this.file = file;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dataDir} (an existing folder) for this process.
     *
     * @throws InUse when another process, or another server in this one, holds it
     */
    public static DataFolderLock take(Path dataDir) throws IOException, InUse {
        Path path = dataDir.resolve(FILE);
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = file.tryLock();
            } catch (OverlappingFileLockException thisProcess) {
                throw new InUse(dataDir, "this process");
            }
            if (lock == null) {
                throw new InUse(dataDir, holder(file));
            }
            file.truncate(0);
            file.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)),
                    0);
            return new DataFolderLock(file, lock);
        } catch (IOException | InUse | RuntimeException failed) {
            file.close();
            throw failed;
        }
    }

    /** "process 1234", as the holder wrote it, or "another process" when it has not yet. */
    private static String holder(FileChannel file) throws IOException {
        ByteBuffer text = ByteBuffer.allocate(20);
        int read = file.read(text, 0);
        String pid = read <= 0 ? "" : new String(text.array(), 0, read, StandardCharsets.UTF_8).strip();
        return pid.matches("[0-9]+") ? "process " + pid : "another process";
    }

    /** Releases the lock (the file stays: its next holder writes its own id). */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            file.close();
        }
    }

    /** The data folder is in use: what a second server on it is told. */
    public static final class InUse extends Exception {
        private static final long serialVersionUID = 1L;

        InUse(Path dataDir, String holder) {
            super("the data folder " + dataDir + " is in use by another Vigil server (" + holder + "); stop it, or "
                    + "give this one a data folder of its own");
        }
    }
}
