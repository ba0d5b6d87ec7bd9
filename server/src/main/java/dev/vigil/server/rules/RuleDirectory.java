package dev.vigil.server.rules;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads the rule files found at start: every {@code *.cep} file under a folder, recursively, in path order. A
 * file with any mistake is reported with the usual positioned diagnostics and skipped whole; so is a file that
 * declares a stream differently from an earlier file (the diagnostic names both); a rule whose name an earlier
 * file already used is reported and skipped. A file's rules are checked against the declarations of the files taken
 * before it, where it does not declare a stream itself. Files compile under the server's compile limits, and a file
 * beyond one is reported like any other mistake. Problems in files never stop the server from starting.
 *
 * @param rules the rules to deploy, each with its file's text as source, and the files' stream declarations
 * @param files every file read, with the rules deployed from it: where {@link RuleReloader} starts from
 */
public record RuleDirectory(RuleSet rules, Map<Path, RuleReloader.WatchedFile> files) {
    /** What a file of declarations without rules is told. */
    static final String DECLARES_NOTHING = "declares streams but no RULE, so it declares nothing: a STREAM "
            + "declaration is held by the rules of its file; put it in the file of a rule that reads the stream";

    public static RuleDirectory load(Path folder, PrintWriter err, Instant now, SinkCatalog sinks, CompileLimits limits) {
        if (folder == null) {
            return new RuleDirectory(RuleSet.empty(), Map.of());
        }
        if (!Files.isDirectory(folder)) {
            err.println("vigil serve: rules folder " + folder + " does not exist; starting without rules");
            return new RuleDirectory(RuleSet.empty(), Map.of());
        }
        RuleSet rules = RuleSet.empty();   // the files taken so far
        Map<Path, RuleReloader.WatchedFile> files = new HashMap<>();
        for (Path file : ruleFiles(folder)) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("vigil serve: " + file + ": cannot read (" + e.getMessage() + "); skipped");
                continue;
            }
            CompileResult result = sinks.check(file.toString(), text,
                    RuleCompiler.compile(file.toString(), text, limits, rules.declarations(List.of())));
            if (!result.ok()) {
                for (Diagnostic diagnostic : result.diagnostics()) {
                    err.println(diagnostic.render());
                }
                err.println("vigil serve: " + file + " skipped: it does not compile");
                files.put(file, new RuleReloader.WatchedFile(text, List.of()));
                continue;
            }
            if (result.rules().isEmpty() && !result.streams().isEmpty()) {
                err.println("vigil serve: " + file + " " + DECLARES_NOTHING);
            }
            List<StreamConflict> conflicts = rules.conflicts(result.streams(), List.of());
            if (!conflicts.isEmpty()) {
                for (StreamConflict conflict : conflicts) {
                    err.println(conflict.diagnostic(file.toString(), text).render());
                }
                err.println("vigil serve: " + file + " skipped: it declares a stream differently from another file");
                files.put(file, new RuleReloader.WatchedFile(text, List.of()));
                continue;
            }
            List<DeployedRule> deployed = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (CompiledRule rule : result.rules()) {
                if (rules.get(rule.name()) != null || names.contains(rule.name())) {
                    err.println("vigil serve: " + file + ": rule '" + rule.name()
                            + "' is already defined by another file; skipped");
                    continue;
                }
                deployed.add(new DeployedRule(rule, file.toString(), text, now));
                names.add(rule.name());
            }
            files.put(file, new RuleReloader.WatchedFile(text, names));
            rules = rules.deploy(new RuleSet.Declarations(result.streams(), names, file.toString()), deployed);
        }
        err.flush();
        return new RuleDirectory(rules, Map.copyOf(files));
    }

    private static List<Path> ruleFiles(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".cep") && Files.isRegularFile(file))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
