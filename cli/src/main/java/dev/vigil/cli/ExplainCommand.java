package dev.vigil.cli;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompiledRule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil explain FILE}: prints each rule's compiled NFA as text, or as Graphviz DOT with {@code --dot}. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Print each rule's compiled NFA: states and transitions, or Graphviz DOT with --dot.")
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CompileLimitOptions compileLimits;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "Rule files (.cep, or .sql in MATCH_RECOGNIZE form) to explain.")
    List<Path> files;

    @Option(names = "--dot", description = "Print Graphviz DOT (one digraph per rule) instead of text.")
    boolean dot;

    @Override
    public Integer call() {
        CompileLimits limits = compileLimits.limits(spec.commandLine().getErr(), "explain");
        if (limits == null) {
            return Vigil.EXIT_USAGE;
        }
        RuleFiles loaded = RuleFiles.load(files, limits);
        int status = loaded.report(spec.commandLine().getErr());
        if (status != 0) {
            return status;
        }
        PrintWriter out = spec.commandLine().getOut();
        for (CompiledRule rule : loaded.rules()) {
            if (dot) {
                out.print(rule.automaton().dot());
            } else {
                out.println("rule " + rule.name());
                out.print(rule.automaton().text());
                out.println();
            }
        }
        out.flush();
        return 0;
    }
}
