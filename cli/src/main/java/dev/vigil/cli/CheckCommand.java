package dev.vigil.cli;

import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompiledRule;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Option(names = "--print", description = "Also print the rules as the rule language writes them: for a .sql "
            + "file, the rules its MATCH_RECOGNIZE queries translate to.")
    boolean print;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "Rule files (.cep, or .sql in MATCH_RECOGNIZE form) to check.")
    List<Path> files;

    @Override
    public Integer call() {
        CompileLimits limits = compileLimits.limits(spec.commandLine().getErr(), "check");
        if (limits == null) {
            return Vigil.EXIT_USAGE;
        }
        RuleFiles loaded = RuleFiles.load(files, limits);
        int status = loaded.report(spec.commandLine().getErr());
        if (status == 0 && print) {
            List<Rule> rules = loaded.rules().stream().map(CompiledRule::source).toList();
            spec.commandLine().getOut().print(RulePrinter.print(new RuleFile("", loaded.streams(), rules)));
        }
        if (status == 0) {
            spec.commandLine().getOut().println("ok: " + loaded.rules().size() + " rule(s) in " + files.size()
                    + " file(s)");
        }
        return status;
    }
}
