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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads the rule files found at start: every {@code *.cep} file under a folder, recursively, in path order. A
 * file with any mistake is reported with the usual positioned diagnostics and skipped whole; so is a file that
 * declares a stream differently from an earlier file (the diagnostic names both); a rule whose name an earlier
 * file already used is reported and skipped. Files compile under the server's compile limits, and a file beyond
 * one is reported like any other mistake. Problems in files never stop the server from starting.
 *
 * @param rules the rules to deploy, with their file's text as source
 * @param declarations each deployed file's stream declarations, with the rules deployed from it
 * @param files every file read, with the rules deployed from it: where {@link RuleReloader} starts from
 */
public record RuleDirectory(List<DeployedRule> rules, List<RuleRegistry.Declarations> declarations,
        Map<Path, RuleReloader.WatchedFile> files) {

    public static RuleDirectory load(Path folder, PrintWriter err, Instant now, SinkCatalog sinks, CompileLimits limits) {
        List<DeployedRule> rules = new ArrayList<>();
        List<RuleRegistry.Declarations> declarations = new ArrayList<>();
        if (folder == null) {
            return new RuleDirectory(rules, declarations, Map.of());
        }
        if (!Files.isDirectory(folder)) {
            err.println("vigil serve: rules folder " + folder + " does not exist; starting without rules");
            return new RuleDirectory(rules, declarations, Map.of());
        }
        Set<String> names = new HashSet<>();
        RuleRegistry declared = new RuleRegistry();   // the declarations of the files taken so far
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
                    RuleCompiler.compile(file.toString(), text, limits));
            if (!result.ok()) {
                for (Diagnostic diagnostic : result.diagnostics()) {
                    err.println(diagnostic.render());
                }
                err.println("vigil serve: " + file + " skipped: it does not compile");
                files.put(file, new RuleReloader.WatchedFile(text, List.of()));
                continue;
            }
            List<StreamConflict> conflicts = declared.conflicts(result.streams(), List.of());
            if (!conflicts.isEmpty()) {
                for (StreamConflict conflict : conflicts) {
                    err.println(conflict.diagnostic(file.toString(), text).render());
                }
                err.println("vigil serve: " + file + " skipped: it declares a stream differently from another file");
                files.put(file, new RuleReloader.WatchedFile(text, List.of()));
                continue;
            }
            List<String> deployed = new ArrayList<>();
            for (CompiledRule rule : result.rules()) {
                if (!names.add(rule.name())) {
                    err.println("vigil serve: " + file + ": rule '" + rule.name()
                            + "' is already defined by another file; skipped");
                    continue;
                }
                rules.add(new DeployedRule(rule, text, now));
                deployed.add(rule.name());
            }
            files.put(file, new RuleReloader.WatchedFile(text, deployed));
            RuleRegistry.Declarations fileDeclarations = new RuleRegistry.Declarations(result.streams(), deployed,
                    file.toString());
            declared.declare(fileDeclarations);
            declarations.add(fileDeclarations);
        }
        err.flush();
        return new RuleDirectory(List.copyOf(rules), List.copyOf(declarations), Map.copyOf(files));
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
