package dev.vigil.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Says in one line why a file named on the command line cannot be read or written, before a command starts on it:
 * missing, a folder, or not permitted. What goes wrong later (a disk error mid-read) the commands say themselves.
 */
final class FileArguments {
    private FileArguments() {
    }

    /** Why {@code file} cannot be read as a file ("data: is a folder, not a file"), or null when it can. */
    static String unreadable(Path file) {
        if (Files.isDirectory(file)) {
            return file + ": is a folder, not a file";
        }
        if (!Files.exists(file)) {
            return file + ": no such file";
        }
        if (!Files.isReadable(file)) {
            return file + ": not permitted to read it";
        }
        return null;
    }

    /** Why {@code file} cannot be created or overwritten, or null when it can. */
    static String unwritable(Path file) {
        if (Files.isDirectory(file)) {
            return file + ": is a folder, not a file";
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            return file + ": no such folder " + folder;
        }
        if (Files.exists(file) ? !Files.isWritable(file) : folder != null && !Files.isWritable(folder)) {
            return file + ": not permitted to write it";
        }
        return null;
    }
}
