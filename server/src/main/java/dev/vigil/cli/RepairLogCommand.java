package dev.vigil.cli;

import dev.vigil.server.durable.ChronicleIngestLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil repair-log}: keeps every readable record of a damaged ingest log (a zeroed, garbled or cut tail)
 * and sets the damaged log aside, so a server that stopped with {@code ingest log damaged: ...} starts again.
 */
@Command(name = "repair-log", mixinStandardHelpOptions = true,
        description = {"Repair the ingest log of a data folder whose tail is damaged (the server then refuses to "
                + "start with 'ingest log damaged: ...'): every record before the first unreadable one is kept, at "
                + "its own position, and the damaged log is moved to <data>/ingest.damaged-<time> (nothing is "
                + "deleted). Says what it kept and what it dropped. Run it while no server uses the folder.",
            "Exit status: 0 repaired, or nothing to repair; 2 bad usage or the repair failed (nothing changed)."})
final class RepairLogCommand implements Callable<Integer> {
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
        Path setAside = data.resolve(ChronicleIngestLog.FOLDER + ".damaged-"
                + Instant.now().toString().replace(':', '-'));
        ChronicleIngestLog.Repair repair;
        try {
            repair = ChronicleIngestLog.repair(log, setAside);
        } catch (IOException | RuntimeException failed) {
            err.println("vigil repair-log: " + failed.getMessage());
            return Vigil.EXIT_USAGE;
        }
        if (repair.damage() == null) {
            out.println("vigil repair-log: " + log + " is not damaged: all " + repair.kept()
                    + " records read back; nothing changed");
        } else {
            out.println("vigil repair-log: kept " + repair.kept() + " records of " + log + "; dropped "
                    + repair.damage().replaceFirst("^ingest log damaged: ", "") + ", and the " + repair.droppedAfter()
                    + " readable record(s) after it; the damaged log is in " + repair.setAside());
        }
        return 0;
    }
}
