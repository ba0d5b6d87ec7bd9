package dev.vigil.cli;

import dev.vigil.server.checkpoint.Checkpoint;
import dev.vigil.server.checkpoint.CheckpointStore;
import dev.vigil.server.log.ChronicleIngestLog;
import dev.vigil.server.log.DataFolderLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil repair-log}: keeps every readable record of a damaged ingest log (a zeroed, garbled or cut tail)
 * and sets the damaged log aside, so a server that stopped with {@code ingest log damaged: ...} starts again. The
 * checkpoints and savepoints taken after the last kept record are set aside too: records written after the repair
 * take the dropped positions, so a recovery from one of them would skip those records.
 */
@Command(name = "repair-log", mixinStandardHelpOptions = true,
        description = {"Repair the ingest log of a data folder whose tail is damaged (the server then refuses to "
                + "start with 'ingest log damaged: ...'): every record before the first unreadable one is kept, at "
                + "its own position, and the damaged log is moved to <data>/ingest.damaged-<time>. Checkpoints and "
                + "savepoints taken after the last kept record are moved to <data>/checkpoints.after-damage-<time> "
                + "(nothing is deleted): the server starts from the newest checkpoint left, or replays the whole "
                + "log. Says what it kept, dropped and moved. Refuses while a server uses the folder.",
            "Exit status: 0 repaired, or nothing to repair; 2 bad usage or the repair failed (the damaged log is "
                + "left in place)."})
final class RepairLogCommand implements Callable<Integer> {
    /** Why a checkpoint after the last kept record is moved, as the output says it. */
    private static final String UNSAFE = "records written from now on take the dropped positions, and a recovery "
            + "from it would skip them";

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true,
            description = "The server's data folder (its ingest log is DIR/ingest).")
    Path data;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path log = data.resolve(ChronicleIngestLog.FOLDER);
        if (!Files.isDirectory(log)) {
            err.println("vigil repair-log: no ingest log in " + data + " (no folder " + log + ")");
            return Vigil.EXIT_USAGE;
        }
        try (DataFolderLock lock = DataFolderLock.take(data)) {
            return repair(out, err, log);
        } catch (DataFolderLock.InUse inUse) {
            err.println("vigil repair-log: " + inUse.getMessage());
            return Vigil.EXIT_USAGE;
        } catch (IOException unlockable) {
            err.println("vigil repair-log: cannot lock " + data + ": " + unlockable.getMessage());
            return Vigil.EXIT_USAGE;
        }
    }

    /** Repairs {@code log} while this command holds the data folder. */
    private int repair(PrintWriter out, PrintWriter err, Path log) {
        String time = Instant.now().toString().replace(':', '-');
        Path setAside = data.resolve(ChronicleIngestLog.FOLDER + ".damaged-" + time);
        Path checkpointsAside = data.resolve("checkpoints.after-damage-" + time);
        List<CheckpointStore.SetAside> moved = new ArrayList<>();
        ChronicleIngestLog.Repair repair;
        try {
            repair = ChronicleIngestLog.repair(log, setAside,
                    lastKept -> moved.addAll(CheckpointStore.open(data).setAsideAfter(lastKept, checkpointsAside)));
        } catch (IOException | RuntimeException failed) {
            err.println("vigil repair-log: " + failed.getMessage() + (Files.isDirectory(checkpointsAside)
                    ? "; the damaged log is still in place; checkpoints already set aside are in " + checkpointsAside
                    : ""));
            return Vigil.EXIT_USAGE;
        }
        if (repair.damage() == null) {
            out.println("vigil repair-log: " + log + " is not damaged: all " + repair.kept()
                    + " records read back; nothing changed");
            return 0;
        }
        out.println("vigil repair-log: kept " + repair.kept() + " records of " + log + "; dropped "
                + repair.damage().replaceFirst("^ingest log damaged: ", "") + ", and the " + repair.droppedAfter()
                + " readable record(s) after it; the damaged log is in " + repair.setAside());
        for (CheckpointStore.SetAside file : moved) {
            out.println("vigil repair-log: moved " + data.relativize(file.from()) + " (log position "
                    + file.position() + ") to " + file.to().getParent() + ": it was taken after the last kept record"
                    + " (log position " + repair.lastKept() + "); " + UNSAFE);
        }
        try {
            Optional<Checkpoint> next = CheckpointStore.open(data).latestCheckpoint(unreadable -> { });
            out.println(next.isPresent()
                    ? "vigil repair-log: the server will start from checkpoint " + next.get().id() + " (log position "
                        + next.get().position() + ") and replay the log after it"
                    : "vigil repair-log: no checkpoint is left: the server will replay the whole log");
        } catch (IOException unlisted) {
            err.println("vigil repair-log: cannot list the checkpoints left: " + unlisted.getMessage());
        }
        return 0;
    }
}
