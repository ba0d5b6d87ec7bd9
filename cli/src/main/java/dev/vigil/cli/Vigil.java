package dev.vigil.cli;

import dev.vigil.server.log.ChronicleSetup;
import dev.vigil.server.metrics.BuildInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code vigil} command line: {@code check}, {@code run} and {@code explain} rule files, {@code serve} them,
 * {@code send} events to, {@code watch} alerts of and {@code bench} a running server. Mistakes in rule text or
 * input are printed as positioned messages; no stack trace reaches a user (set {@code VIGIL_DEBUG=1} to see one
 * for an internal error).
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = Vigil.Version.class,
        description = "Vigil: complex event processing rules. Write rules, check them, run them over events.",
        subcommands = {CheckCommand.class, RunCommand.class, ExplainCommand.class, ServeCommand.class,
            SendCommand.class, WatchCommand.class, BenchCommand.class, BacktestCommand.class,
            RepairLogCommand.class,
            CommandLine.HelpCommand.class})
public final class Vigil implements Runnable {
    /** Exit status for rule files with mistakes. */
    static final int EXIT_RULE_ERRORS = 1;
    /** Exit status for bad usage or unreadable files. */
    static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        ChronicleSetup.apply();   // before any library reads its logging or analytics settings
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Vigil());
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            commandLine.getErr().println("vigil: internal error: " + exception);
            if (System.getenv("VIGIL_DEBUG") != null) {
                exception.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("(set VIGIL_DEBUG=1 to see the stack trace, and please report it)");
            }
            return 70;
        });
        return cli;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigil " + BuildInfo.current()};
        }
    }
}
