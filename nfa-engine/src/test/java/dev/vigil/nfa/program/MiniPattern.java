package dev.vigil.nfa.program;

import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only parser of a compact pattern syntax, so tests read like the rule language:
 * {@code a b+ -> c{2,3} GREEDY ->> !d (e -> f)* (g | h i) PERMUTE(j, k)}. Juxtaposition is strict, {@code ->} relaxed, {@code ->>}
 * non-deterministic; {@code !} negates; quantifiers {@code ? + * {n} {n,} {n,m}}; after a quantifier,
 * {@code OPTIONAL}, {@code GREEDY} and an explicit inner contiguity {@code CONSECUTIVE | RELAXED | COMBINATIONS}.
 */
public final class MiniPattern {
    private final List<String> tokens = new ArrayList<>();
    private int at;

    private MiniPattern(String text) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (text.startsWith("->>", i)) {
                tokens.add("->>");
                i += 3;
            } else if (text.startsWith("->", i)) {
                tokens.add("->");
                i += 2;
            } else if (c == '{') {
                int end = text.indexOf('}', i);
                tokens.add(text.substring(i, end + 1));
                i = end + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int start = i;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(text.substring(start, i));
            } else {
                tokens.add(String.valueOf(c));
                i++;
            }
        }
    }

    public static Pattern parse(String text) {
        MiniPattern parser = new MiniPattern(text);
        Pattern pattern = parser.pattern();
        if (parser.at != parser.tokens.size()) {
            throw new IllegalArgumentException("unexpected " + parser.tokens.get(parser.at) + " in " + text);
        }
        return pattern;
    }

    private Pattern pattern() {
        List<Pattern.Stage> stages = new ArrayList<>();
        stages.add(stage(Pattern.Contiguity.STRICT));
        while (at < tokens.size() && !peek().equals(")") && !peek().equals("|") && !peek().equals(",")) {
            Pattern.Contiguity contiguity = Pattern.Contiguity.STRICT;
            if (peek().equals("->>")) {
                contiguity = Pattern.Contiguity.NON_DETERMINISTIC;
                at++;
            } else if (peek().equals("->")) {
                contiguity = Pattern.Contiguity.RELAXED;
                at++;
            }
            stages.add(stage(contiguity));
        }
        return new Pattern(stages, Span.NONE);
    }

    private Pattern.Stage stage(Pattern.Contiguity contiguity) {
        boolean negated = false;
        if (peek().equals("!")) {
            negated = true;
            at++;
        }
        Pattern.Element element;
        if (peek().equals("(")) {
            at++;
            List<Pattern> branches = new ArrayList<>(List.of(pattern()));
            while (peek().equals("|")) {
                at++;
                branches.add(pattern());
            }
            element = branches.size() == 1 ? new Pattern.Group(branches.get(0), Span.NONE)
                    : new Pattern.Alternation(branches, Span.NONE);
            expect(")");
        } else if (peek().equals("PERMUTE")) {
            at++;
            expect("(");
            List<Pattern> items = new ArrayList<>(List.of(pattern()));
            while (peek().equals(",")) {
                at++;
                items.add(pattern());
            }
            element = new Pattern.Permutation(items, Span.NONE);
            expect(")");
        } else {
            element = new Pattern.Variable(next(), Span.NONE);
        }
        return new Pattern.Stage(contiguity, negated, element, quantifier(), Span.NONE);
    }

    private Pattern.Quantifier quantifier() {
        if (at >= tokens.size()) {
            return null;
        }
        String token = peek();
        int min;
        int max;
        if (token.equals("?")) {
            min = 0;
            max = 1;
        } else if (token.equals("+")) {
            min = 1;
            max = Pattern.Quantifier.UNBOUNDED;
        } else if (token.equals("*")) {
            min = 0;
            max = Pattern.Quantifier.UNBOUNDED;
        } else if (token.startsWith("{")) {
            String[] parts = token.substring(1, token.length() - 1).split(",", -1);
            min = Integer.parseInt(parts[0].trim());
            max = parts.length == 1 ? min
                    : parts[1].isBlank() ? Pattern.Quantifier.UNBOUNDED : Integer.parseInt(parts[1].trim());
        } else {
            return null;
        }
        at++;
        boolean greedy = false;
        boolean optional = false;
        Pattern.Contiguity inner = null;
        while (at < tokens.size()) {
            String word = peek();
            if (word.equals("OPTIONAL")) {
                optional = true;
            } else if (word.equals("GREEDY")) {
                greedy = true;
            } else if (word.equals("CONSECUTIVE")) {
                inner = Pattern.Contiguity.STRICT;
            } else if (word.equals("RELAXED")) {
                inner = Pattern.Contiguity.RELAXED;
            } else if (word.equals("COMBINATIONS")) {
                inner = Pattern.Contiguity.NON_DETERMINISTIC;
            } else {
                break;
            }
            at++;
        }
        return optional ? new Pattern.Quantifier(0, max, min, greedy, inner, Span.NONE)
                : new Pattern.Quantifier(min, max, greedy, inner, Span.NONE);
    }

    private String peek() {
        return at < tokens.size() ? tokens.get(at) : "";
    }

    private String next() {
        if (at >= tokens.size()) {
            throw new IllegalArgumentException("pattern ends early");
        }
        return tokens.get(at++);
    }

    private void expect(String token) {
        if (!next().equals(token)) {
            throw new IllegalArgumentException("expected " + token);
        }
    }
}
