package dev.vigil.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Makes hostile and careless rule texts for the rule fuzzers ({@code RuleFuzzTest}, {@code RuleParserFuzzRun}): the
 * example rules ({@code rules-examples/*}{@code /rule.cep}) mutated by token splices, deletions, duplications and
 * splices of two examples, and grammar fragments pushed to and past the compile limits: deep nesting of every kind,
 * huge counts, long chains of stages and operators. The same seed gives the same text.
 */
final class RuleMutator {
    private static final String[] TOKENS = {"(", ")", "{", "}", ",", ";", ".", "->", "->>", "!", "?", "+", "*", "-",
        "/", "%", "=", "==", "<>", "!=", "<", "<=", ">", ">=", "a", "b", "x.y", "`q`", "`", "'s'", "'open", "0", "3",
        "2.5", "1e9", "1e400", "10s", "10min", "/*", "*/", "--", "\n", "\t", "é", "\u0000", "99999999999999999999",
        "2147483647", "{1000}", "{1001}", "{0}", "{2147483647,}", "{3,2}", "RULE", "STREAM", "PATTERN", "DEFINE",
        "EMIT", "WITHIN", "FROM", "PARTITION BY", "AS", "AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "MATCHES", "IS",
        "NULL", "UNTIL", "GREEDY", "CONSECUTIVE", "RELAXED", "COMBINATIONS", "AFTER MATCH SKIP", "TO", "ON TIMEOUT",
        "COUNT(", "LAST(", "abs(", "SEVERITY", "BETWEEN EVENTS", "TO FIRST", "webhook", "file '../x'", "log"};

    private final List<String> examples;

    private RuleMutator(List<String> examples) {
        this.examples = examples;
    }

    /** The mutator over the repository's example rules (found from the module's or the repository's folder). */
    static RuleMutator ofExamples() {
        Path folder = Files.isDirectory(Path.of("rules-examples")) ? Path.of("rules-examples")
                : Path.of("..", "rules-examples");
        List<String> texts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("rule.cep")).sorted().toList()) {
                texts.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (texts.isEmpty()) {
            throw new IllegalStateException("no rule.cep under " + folder.toAbsolutePath());
        }
        return new RuleMutator(List.copyOf(texts));
    }

    /** The text of {@code seed}: a mutated example about two times in three, else a fragment at the limits. */
    String text(long seed) {
        Random random = new Random(seed);
        return random.nextInt(3) < 2 ? mutatedExample(random) : fragment(random);
    }

    private String mutatedExample(Random random) {
        StringBuilder text = new StringBuilder(pick(random, examples));
        for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
            int at = text.length() == 0 ? 0 : random.nextInt(text.length());
            int length = Math.min(text.length() - at, 1 + random.nextInt(12));
            switch (random.nextInt(5)) {
                case 0 -> text.delete(at, at + length);
                case 1 -> text.insert(at, text.substring(at, at + length));
                case 2 -> {
                    String other = pick(random, examples);
                    text.insert(at, other.substring(random.nextInt(other.length())));
                }
                default -> text.insert(at, " " + TOKENS[random.nextInt(TOKENS.length)] + " ");
            }
        }
        return text.toString();
    }

    /** A rule at or beyond one of the compile limits, or just inside it. */
    private static String fragment(Random random) {
        int n = around(random);
        String rule = "RULE r FROM s PARTITION BY k ";
        switch (random.nextInt(12)) {
            case 0:
                return rule + "PATTERN a DEFINE a AS " + "(".repeat(n) + "x > 1" + ")".repeat(n);
            case 1:
                return rule + "PATTERN a DEFINE a AS " + "NOT ".repeat(n) + "x > 1";
            case 2:
                return rule + "PATTERN a DEFINE a AS x > 1" + " OR x > 1".repeat(n);
            case 3:
                return rule + "PATTERN a DEFINE a AS x" + " + x".repeat(n) + " > 1";
            case 4:
                return rule + "PATTERN " + "(".repeat(n) + "a" + ")".repeat(n);
            case 5:
                return rule + "PATTERN a DEFINE a AS " + "abs(".repeat(n) + "x" + ")".repeat(n) + " > 1";
            case 6:
                return rule + "PATTERN a DEFINE a AS " + "x IN (".repeat(n) + "1" + ")".repeat(n);
            case 7:
                return rule + "PATTERN x -> fail{" + count(random) + (random.nextBoolean() ? ",}" : "}")
                        + " DEFINE fail AS ok = false";
            case 8:
                return rule + "PATTERN x -> (a{" + Math.min(count(random), 1000) + "} b){" + Math.min(count(random),
                        1000) + "}";
            case 9:
                return rule + "PATTERN " + stages(n, random) + " WITHIN 1 HOUR";
            case 10:
                return rule + "PATTERN a -> " + negations(n) + "b? c? d? WITHIN 1 MINUTE";
            default:
                return rule + "PATTERN a EMIT v = " + "(".repeat(n) + "a.x" + ")".repeat(n);
        }
    }

    /** A depth or length near the default limit of 128, or far beyond it. */
    private static int around(Random random) {
        int[] near = {1, 64, 127, 128, 129, 200, 1_000, 5_000};
        return near[random.nextInt(near.length)];
    }

    private static long count(Random random) {
        long[] counts = {1, 999, 1_000, 1_001, 5_000, 100_000, 2_147_483_647L, 99_999_999_999L};
        return counts[random.nextInt(counts.length)];
    }

    private static String stages(int n, Random random) {
        StringBuilder pattern = new StringBuilder("s0");
        String[] links = {" ", " -> ", " ->> "};
        String[] quantifiers = {"", "", "?", "+", "*", "{2}", "{3,5}"};
        for (int i = 1; i < Math.max(2, n * 4); i++) {
            pattern.append(links[random.nextInt(links.length)]).append('s').append(i)
                    .append(quantifiers[random.nextInt(quantifiers.length)]);
        }
        return pattern.toString();
    }

    private static String negations(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append("!n").append(i).append(" -> ");
        }
        return text.toString();
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
