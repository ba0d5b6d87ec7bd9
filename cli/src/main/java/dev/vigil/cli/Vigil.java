package dev.vigil.cli;

import dev.vigil.server.log.ChronicleSetup;
import dev.vigil.server.metrics.BuildInfo;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code vigil} command line: {@code check}, {@code run}, {@code test} and {@code explain} rule files,
 * {@code serve} them, {@code send} events to, {@code watch} alerts of and {@code bench} a running server, and
 * {@code generate-completion} prints a bash/zsh completion script. Mistakes in rule text or
 * input are printed as positioned messages; no stack trace reaches a user (set {@code VIGIL_DEBUG=1} to see one
 * for an internal error).
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = Vigil.Version.class,
        description = "Vigil: complex event processing rules. Write rules, check them, run them over events.",
        subcommands = {CheckCommand.class, RunCommand.class, TestCommand.class, ExplainCommand.class,
            ServeCommand.class, SendCommand.class, WatchCommand.class, BenchCommand.class, BacktestCommand.class,
            RepairLogCommand.class, FlinkCommand.class,
            AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class Vigil implements Runnable {
    /** Exit status for rule files with mistakes. */
    static final int EXIT_RULE_ERRORS = 1;
    /** Exit status for bad usage or unreadable files. */
    static final int EXIT_USAGE = 2;
    /** Exit status for a failure of Vigil itself (EX_SOFTWARE). */
    static final int EXIT_INTERNAL_ERROR = 70;

    public static void main(String[] args) {
        int status;
        try {
            ChronicleSetup.apply();   // before any library reads its logging or analytics settings
            status = commandLine().execute(args);
        } catch (Throwable failure) {   // thrown outside a command (a broken jar, a class that cannot load)
            status = reportInternalError(failure, new java.io.PrintWriter(System.err, true));
        }
        System.exit(status);
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Vigil());
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) ->
                reportInternalError(exception, commandLine.getErr()));
        // picocli's completion script generator: listed, as users look for it in the help
        cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cli;
    }

    /** Says that Vigil failed, not the user, in two lines; the stack trace only with {@code VIGIL_DEBUG}. */
    private static int reportInternalError(Throwable failure, java.io.PrintWriter err) {
        err.println("vigil: internal error: " + failure);
        if (System.getenv("VIGIL_DEBUG") != null) {
            failure.printStackTrace(err);
        } else {
            err.println("(set VIGIL_DEBUG=1 to see the stack trace, and please report it)");
        }
        err.flush();
        return EXIT_INTERNAL_ERROR;
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
