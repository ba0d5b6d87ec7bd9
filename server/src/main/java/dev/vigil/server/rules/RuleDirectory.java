package dev.vigil.server.rules;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.RuleParser;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import java.io.IOException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the rule files found at start: every {@code *.cep} file under a folder, recursively, in path order. A
 * file with any mistake is reported with the usual positioned diagnostics and skipped whole; so is a file that
 * declares a stream differently from an earlier file (the diagnostic names both); a rule whose name an earlier
 * file already used is reported and skipped. A file's rules are checked against the declarations of the files taken
 * before it, where it does not declare a stream itself. Files compile under the server's compile limits, and a file
 * beyond one is reported like any other mistake, and so is a file whose tests do not pass ({@link RuleTestGate}).
 * Problems in files never stop the server from starting.
 *
 * @param rules the rules to deploy, each with its file's text as source, and the files' stream declarations
 * @param files every file read, with the rules deployed from it: where {@link RuleReloader} starts from
 */
public record RuleDirectory(RuleSet rules, Map<Path, RuleReloader.WatchedFile> files) {
    private static final Logger LOG = LoggerFactory.getLogger(RuleDirectory.class);

    /** What a file of declarations without rules is told. */
    static final String DECLARES_NOTHING = "declares streams but no RULE, so it declares nothing: a STREAM "
            + "declaration is held by the rules of its file; put it in the file of a rule that reads the stream";

    public static RuleDirectory load(Path folder, Instant now, SinkCatalog sinks, CompileLimits limits) {
        if (folder == null) {
            return new RuleDirectory(RuleSet.empty(), Map.of());
        }
        if (!Files.isDirectory(folder)) {
            LOG.warn("rules folder {} does not exist; starting without rules", folder);
            return new RuleDirectory(RuleSet.empty(), Map.of());
        }
        RuleSet rules = RuleSet.empty();   // the files taken so far
        Map<Path, RuleReloader.WatchedFile> files = new HashMap<>();
        for (Path file : ruleFiles(folder)) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                LOG.warn("{}: cannot read ({}); skipped", file, e.getMessage());
                continue;
            }
            CompileResult result = RuleTestGate.check(file.toString(), text, sinks.check(file.toString(), text,
                    RuleCompiler.compile(file.toString(), text, limits, rules.declarations(List.of()))));
            if (!result.ok()) {
                LOG.warn("{} skipped: {}:\n{}", file, RuleTestGate.refused(result) ? "its tests do not pass"
                        : "it does not compile", Diagnostic.renderAll(result.diagnostics()));
                files.put(file, new RuleReloader.WatchedFile(text, List.of()));
                continue;
            }
            if (result.rules().isEmpty() && !result.streams().isEmpty()) {
                LOG.warn("{} {}", file, DECLARES_NOTHING);
            }
            List<StreamConflict> conflicts = rules.conflicts(result.streams(), List.of());
            if (!conflicts.isEmpty()) {
                List<Diagnostic> said = new ArrayList<>();
                for (StreamConflict conflict : conflicts) {
                    said.add(conflict.diagnostic(file.toString(), text));
                }
                LOG.warn("{} skipped: it declares a stream differently from another file:\n{}", file,
                        Diagnostic.renderAll(said));
                files.put(file, new RuleReloader.WatchedFile(text, List.of()));
                continue;
            }
            List<DeployedRule> deployed = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (CompiledRule rule : result.rules()) {
                if (rules.get(rule.name()) != null || names.contains(rule.name())) {
                    LOG.warn("{}: rule '{}' is already defined by another file; skipped", file, rule.name());
                    continue;
                }
                deployed.add(new DeployedRule(rule, file.toString(), text, now));
                names.add(rule.name());
            }
            files.put(file, new RuleReloader.WatchedFile(text, names));
            rules = rules.deploy(new RuleSet.Declarations(result.streams(), names, file.toString()), deployed);
        }
        return new RuleDirectory(rules, Map.copyOf(files));
    }

    private static List<Path> ruleFiles(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> RuleParser.isRuleFile(file.getFileName().toString()) && Files.isRegularFile(file))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
