package dev.vigil.cli;

import dev.vigil.nfa.CompileLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil check FILE...}: validates rule files; exit 0 when all are valid, 1 with positioned errors. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate rule files. Prints each mistake with file:line:column and a caret; exit 1 if any.")
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CompileLimitOptions compileLimits;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rule files (.cep, or .sql in MATCH_RECOGNIZE form) to check.")
    List<Path> files;

    @Override
    public Integer call() {
        CompileLimits limits = compileLimits.limits(spec.commandLine().getErr(), "check");
        if (limits == null) {
            return Vigil.EXIT_USAGE;
        }
        RuleFiles loaded = RuleFiles.load(files, limits);
        int status = loaded.report(spec.commandLine().getErr());
        if (status == 0) {
            spec.commandLine().getOut().println("ok: " + loaded.rules().size() + " rule(s) in " + files.size()
                    + " file(s)");
        }
        return status;
    }
}
