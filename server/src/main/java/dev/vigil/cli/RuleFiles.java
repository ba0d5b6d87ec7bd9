package dev.vigil.cli;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.nfa.CompileLimits;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.RuleCompiler;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and compiles rule files. Unreadable files and mistakes in rules are collected, not thrown, so a user sees
 * every problem of every file at once.
 *
 * @param ioErrors one sentence per file that could not be read
 */
record RuleFiles(List<CompiledRule> rules, List<StreamDecl> streams, List<Diagnostic> diagnostics,
        List<String> ioErrors) {

    /** Reads and compiles {@code files} under {@code limits}. */
    static RuleFiles load(List<Path> files, CompileLimits limits) {
        List<CompiledRule> rules = new ArrayList<>();
        List<StreamDecl> streams = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<String> ioErrors = new ArrayList<>();
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException missing) {
                ioErrors.add(file + ": no such file");
                continue;
            } catch (CharacterCodingException notText) {
                ioErrors.add(file + ": not UTF-8 text");
                continue;
            } catch (IOException e) {
                ioErrors.add(file + ": cannot read: " + e.getMessage());
                continue;
            }
            CompileResult result = RuleCompiler.compile(file.toString(), text, limits);
            rules.addAll(result.rules());
            streams.addAll(result.streams());
            diagnostics.addAll(result.diagnostics());
        }
        return new RuleFiles(rules, streams, diagnostics, ioErrors);
    }

    boolean ok() {
        return diagnostics.isEmpty() && ioErrors.isEmpty();
    }

    /** Prints every problem; returns the exit status a command should end with (0 when there are none). */
    int report(java.io.PrintWriter err) {
        for (String problem : ioErrors) {
            err.println("vigil: " + problem);
        }
        for (Diagnostic diagnostic : diagnostics) {
            err.println(diagnostic.render());
        }
        if (!ioErrors.isEmpty()) {
            return Vigil.EXIT_USAGE;
        }
        return diagnostics.isEmpty() ? 0 : Vigil.EXIT_RULE_ERRORS;
    }
}
