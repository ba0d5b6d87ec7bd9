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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        Map<String, Declared> declared = new HashMap<>();
        for (Path file : files) {
            String text = read(file, ioErrors);
            if (text == null) {
                continue;
            }
            CompileResult result = RuleCompiler.compile(file.toString(), text, limits);
            List<Diagnostic> conflicts = conflicts(file.toString(), text, result.streams(), declared);
            diagnostics.addAll(result.diagnostics());
            diagnostics.addAll(conflicts);
            if (conflicts.isEmpty()) {
                rules.addAll(result.rules());
                streams.addAll(result.streams());
            }
        }
        return new RuleFiles(rules, streams, diagnostics, ioErrors);
    }

    /** The text of the rule file {@code file}, or null after adding why it cannot be read to {@code problems}. */
    static String read(Path file, List<String> problems) {
        if (Files.isDirectory(file)) {
            problems.add(file + ": is a folder; name the rule files in it (" + file.resolve("*.cep") + ", "
                    + file.resolve("*.sql") + ")");
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            problems.add(file + ": no such file");
        } catch (CharacterCodingException notText) {
            problems.add(file + ": not UTF-8 text");
        } catch (IOException e) {
            problems.add(file + ": cannot read: " + e.getMessage());
        }
        return null;
    }

    /** A stream's first declaration and the file that made it. */
    private record Declared(StreamDecl declaration, String file) {}

    /**
     * Where {@code file}'s declarations disagree with those of earlier files (events of a stream are read against
     * one declaration, as the server holds one); records the declarations of a file that agrees.
     */
    private static List<Diagnostic> conflicts(String file, String text, List<StreamDecl> declarations,
            Map<String, Declared> declared) {
        List<Diagnostic> conflicts = new ArrayList<>();
        for (StreamDecl declaration : declarations) {
            Declared first = declared.get(declaration.name());
            String difference = first == null ? null : declaration.differenceFrom(first.declaration());
            if (difference != null) {
                String line = text.lines().skip(declaration.span().line() - 1).findFirst().orElse(null);
                conflicts.add(new Diagnostic(file, declaration.span(), "stream '" + declaration.name()
                        + "' is already declared differently in " + first.file() + ":" + first.declaration().span()
                        + ": " + difference + "; declare it the same way, or name the stream differently", line));
            }
        }
        if (conflicts.isEmpty()) {
            for (StreamDecl declaration : declarations) {
                declared.putIfAbsent(declaration.name(), new Declared(declaration, file));
            }
        }
        return conflicts;
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
