package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.RuleCompiler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alternation and PERMUTE have no Flink CEP counterpart, so their reference is their documented meaning: under
 * {@code AFTER MATCH SKIP NO SKIP}, a pattern with {@code (x | y)} finds exactly the matches of the pattern with
 * {@code x} in its place plus those of the pattern with {@code y} in its place (one match per branch when an event
 * fits both), and {@code PERMUTE(x, y)} exactly those of {@code (x y | y x)} (items joined by the operator written
 * before PERMUTE). The single-path patterns are what the differential test proves equal to Flink CEP; here every
 * event sequence up to length {@value #LENGTH} over a small alphabet is run through the alternation and through
 * each of its paths, and the multisets of matches are compared.
 *
 * <p>Alphabet: {@code A B C D} hold for the variable of the same letter; {@code E} holds for both {@code b} and
 * {@code c} (the overlapping-branches case), {@code F} for both {@code c} and {@code d} (a branch's event that
 * could also be the next stage's); {@code X} for none.
 */
class AlternationReferenceTest {
    static final int LENGTH = 5;
    private static final String LETTERS = "ABCDEFX";

    static Stream<Arguments> patterns() {
        return Stream.of(
                Arguments.of("a -> (b | c) -> d", List.of("a -> b -> d", "a -> c -> d")),
                Arguments.of("a (b | c) d", List.of("a b d", "a c d")),
                Arguments.of("a ->> (b | c) ->> d", List.of("a ->> b ->> d", "a ->> c ->> d")),
                Arguments.of("(b | c) -> d", List.of("b -> d", "c -> d")),
                Arguments.of("a -> (b+ | c)", List.of("a -> b+", "a -> c")),
                Arguments.of("a -> (b c | c) -> d", List.of("a -> b c -> d", "a -> c -> d")),
                Arguments.of("a -> (b -> c | d)", List.of("a -> b -> c", "a -> d")),
                Arguments.of("a (b? c | d)", List.of("a b? c", "a d")),
                Arguments.of("a -> (b | c | d)", List.of("a -> b", "a -> c", "a -> d")),
                Arguments.of("a -> ((b | c) -> d | c)", List.of("a -> b -> d", "a -> c -> d", "a -> c")),
                Arguments.of("a -> (b | c+ GREEDY) -> d", List.of("a -> b -> d", "a -> c+ GREEDY -> d")),
                Arguments.of("a (b | c+) d", List.of("a b d", "a c+ d")),
                Arguments.of("a -> PERMUTE(b, c) -> d", List.of("a -> b -> c -> d", "a -> c -> b -> d")),
                Arguments.of("PERMUTE(a, b, c)", List.of("a b c", "a c b", "b a c", "b c a", "c a b", "c b a")),
                Arguments.of("a -> PERMUTE(b+, c)", List.of("a -> b+ -> c", "a -> c -> b+")),
                Arguments.of("a ->> PERMUTE(b, c d)", List.of("a ->> b ->> (c d)", "a ->> (c d) ->> b")),
                Arguments.of("a -> PERMUTE(b, c, d)", List.of("a -> b -> c -> d", "a -> b -> d -> c",
                        "a -> c -> b -> d", "a -> c -> d -> b", "a -> d -> b -> c", "a -> d -> c -> b")),
                Arguments.of("a ->> ((b c) | d)", List.of("a ->> (b c)", "a ->> d")),
                Arguments.of("a -> PERMUTE((b | c), d)", List.of("a -> b -> d", "a -> c -> d", "a -> d -> b",
                        "a -> d -> c")),
                Arguments.of("PERMUTE(b, c+ GREEDY) -> d", List.of("b c+ GREEDY -> d", "c+ GREEDY b -> d")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void everyMatchOfEveryBranchAndNoOther(String alternation, List<String> paths) {
        Runner rule = compile(alternation);
        List<Runner> references = new ArrayList<>();
        for (String path : paths) {
            references.add(compile(path));
        }
        List<List<Character>> sequences = sequences();
        List<List<String>> actual = rule.runEach(sequences);
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            expected.add(new ArrayList<>());
        }
        for (Runner reference : references) {
            List<List<String>> found = reference.runEach(sequences);
            for (int i = 0; i < sequences.size(); i++) {
                expected.get(i).addAll(found.get(i));
            }
        }
        int matches = 0;
        for (int i = 0; i < sequences.size(); i++) {
            assertEquals(sorted(expected.get(i)), sorted(actual.get(i)), alternation + " on " + sequences.get(i));
            matches += actual.get(i).size();
        }
        assertTrue(matches >= 100, "too few matches to mean anything: " + matches + " in " + sequences.size()
                + " sequences");
    }

    /**
     * A quantified alternation chooses a branch at every repetition: {@code a -> (b | c){1,2} -> d} finds the
     * matches of {@code a -> b -> d}, {@code a -> c -> d}, {@code a -> b -> b -> d}, {@code a -> b -> c -> d}, ...
     * (the repetitions joined by the loop's contiguity, a variable's repetitions renamed apart and named back).
     * Unbounded counts are cut at 3, all that fits between {@code a} and {@code d} in {@value #LENGTH} events.
     *
     * @param outer the operator before and after the alternation, as written between stages
     * @param operator how the repetitions follow each other
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
        "a -> (b | c)+ -> d; 1; 3; ' -> '; ' -> '",
        "a (b | c){2} d; 2; 2; ' '; ' '",
        "a -> (b | c){1,3} CONSECUTIVE -> d; 1; 3; ' -> '; ' '",
        "a -> (b | c)* -> d; 0; 3; ' -> '; ' -> '",
        "a ->> (b | c)+ ->> d; 1; 3; ' ->> '; ' ->> '"})
    void aQuantifiedAlternationChoosesABranchAtEveryRepetition(String alternation, int min, int max,
            String outer, String operator) {
        List<String> paths = new ArrayList<>();
        for (int count = min; count <= max; count++) {
            for (int choice = 0; choice < 1 << count; choice++) {
                StringBuilder path = new StringBuilder("a");
                for (int k = 0; k < count; k++) {
                    path.append(k == 0 ? outer : operator).append((choice >> k & 1) == 0 ? "b" : "c")
                            .append('_').append(k).append('x');
                }
                paths.add(path.append(outer).append('d').toString());
            }
        }
        List<List<Character>> sequences = sequences("ABCDEX");
        List<List<String>> actual = compile(alternation, "NO SKIP").runEach(sequences);
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            expected.add(new ArrayList<>());
        }
        for (String path : paths) {
            List<List<String>> found = renamed(path).runEach(sequences);
            for (int i = 0; i < sequences.size(); i++) {
                for (String match : found.get(i)) {
                    expected.get(i).add(match.replaceAll("_[0-9]+x", ""));
                }
            }
        }
        int matches = 0;
        for (int i = 0; i < sequences.size(); i++) {
            assertEquals(sorted(expected.get(i)), sorted(actual.get(i)), alternation + " on " + sequences.get(i)
                    + " (paths " + paths + ")");
            matches += actual.get(i).size();
        }
        assertTrue(matches >= 100, "too few matches to mean anything: " + matches);
    }

    /** A path whose variables are {@code b_kx}, {@code c_kx}: b_kx is a b, c_kx a c (overlapping letters). */
    private static Runner renamed(String path) {
        StringBuilder define = new StringBuilder("a AS type = 'A', d AS type IN ('D', 'F')");
        for (String token : path.split(" ")) {
            if (token.startsWith("b_")) {
                define.append(", ").append(token).append(" AS type IN ('B', 'E')");
            } else if (token.startsWith("c_")) {
                define.append(", ").append(token).append(" AS type IN ('C', 'E', 'F')");
            }
        }
        return runner("RULE r FROM events PARTITION BY key PATTERN " + path + " AFTER MATCH SKIP NO SKIP DEFINE "
                + define + ";");
    }

    @org.junit.jupiter.api.Test
    void aQuantifiedAlternationRepeatsTheChoice() {
        // a -> (b | c)+ -> d: every non-empty choice of the B and C events between a and d, each bound to its branch
        assertEquals(List.of("a1 b2 c3 d4", "a1 b2 d4", "a1 c3 d4"),
                sorted(compile("a -> (b | c)+ -> d").run(letters("ABCD"))));
        assertEquals(List.of("a1 b2 b3 d4", "a1 b2 c3 d4", "a1 c2 b3 d4", "a1 c2 c3 d4"),
                sorted(compile("a (b | c){2} d").run(letters("AEED"))));
    }

    @org.junit.jupiter.api.Test
    void underASkipStrategyTheLeftBranchIsPreferred() {
        // E fits both branches: NO SKIP reports both matches, the left branch's first; PAST LAST EVENT keeps that one
        assertEquals(List.of("a1 b2 d3", "a1 c2 d3"), compile("a -> (b | c) -> d").run(letters("AED")));
        assertEquals(List.of("a1 c2 d3", "a1 b2 d3"), compile("a -> (c | b) -> d").run(letters("AED")));
        assertEquals(List.of("a1 b2 d3"), compile("a -> (b | c) -> d", "PAST LAST EVENT").run(letters("AED")));
        assertEquals(List.of("a1 c2 d3"), compile("a -> (c | b) -> d", "PAST LAST EVENT").run(letters("AED")));
        assertEquals(List.of("a1 b2 c3 d4"), compile("a -> PERMUTE(b, c) -> d", "PAST LAST EVENT")
                .run(letters("AEED")));
    }

    @org.junit.jupiter.api.Test
    void theOtherBranchsVariablesHaveNoEventsInTheAlert() {
        // through c, b has no events: the alert lists none, b.id is null and COUNT(b) is 0
        Alert alert = single(rule("a -> (b | c) -> d", "", "EMIT via_b = b.id, via_c = c.id, bs = COUNT(b)")
                .alertsOf(List.of(letters("ACD"))).get(0));
        assertEquals("{via_b=null, via_c=2, bs=0}", alert.fields().toString());
        assertTrue(alert.events().getOrDefault("b", List.of()).isEmpty(), alert.events().toString());
        assertEquals(1, alert.events().get("c").size());
    }

    @org.junit.jupiter.api.Test
    void aConditionReadingTheOtherBranchSeesNull() {
        Runner rule = rule("a -> (b | c) -> d", " AND b.id > 0", "");
        assertEquals(List.of("a1 b2 d3"), rule.run(letters("ABD")));
        assertEquals(List.of(), rule.run(letters("ACD")), "through c, b.id is null and b.id > 0 is false");
    }

    @org.junit.jupiter.api.Test
    void sixItemsCompileToTheAutomatonOfTheirSubsets() {
        // 63 branching states (one per set of items taken but the full one), each item 32 times, the final state
        // and the start: 63 + 6 * 32 + 2 = 257 states, where the 720 orders would take over 4,000
        Runner rule = runner("RULE r FROM events PARTITION BY key PATTERN s PERMUTE(a, b, c, d, e, f) DEFINE s AS "
                + "type = 'S', a AS type = 'A', b AS type = 'B', c AS type = 'C', d AS type = 'D', e AS type = 'E', "
                + "f AS type = 'F';");
        assertEquals(257, rule.compiled().rules().get(0).automaton().states().size());
        assertEquals(List.of("s1 f2 e3 d4 c5 b6 a7"), rule.run(letters("SFEDCBA")));
        assertEquals(List.of(), rule.run(letters("SFEDCBB")));
    }

    private static Alert single(List<Alert> alerts) {
        assertEquals(1, alerts.size(), alerts.toString());
        return alerts.get(0);
    }

    private static List<Character> letters(String letters) {
        List<Character> list = new ArrayList<>();
        for (char letter : letters.toCharArray()) {
            list.add(letter);
        }
        return list;
    }

    private static List<String> sorted(List<String> matches) {
        List<String> copy = new ArrayList<>(matches);
        Collections.sort(copy);
        return copy;
    }

    private static List<List<Character>> sequences() {
        return sequences(LETTERS);
    }

    /** Every sequence over {@code letters} of length 1 to {@link #LENGTH}. */
    private static List<List<Character>> sequences(String letters) {
        List<List<Character>> all = new ArrayList<>();
        List<List<Character>> last = List.of(List.of());
        for (int length = 1; length <= LENGTH; length++) {
            List<List<Character>> next = new ArrayList<>();
            for (List<Character> prefix : last) {
                for (char letter : letters.toCharArray()) {
                    List<Character> sequence = new ArrayList<>(prefix);
                    sequence.add(letter);
                    next.add(sequence);
                }
            }
            all.addAll(next);
            last = next;
        }
        return all;
    }

    private static Runner compile(String pattern) {
        return compile(pattern, "NO SKIP");
    }

    /** The overlapping letters: E is both b and c, F both c and d. */
    private static Runner compile(String pattern, String skip) {
        StringBuilder define = new StringBuilder();
        for (String variable : List.of("a", "b", "c", "d")) {
            if (pattern.matches(".*\\b" + variable + "\\b.*")) {
                String letters = variable.equals("b") ? "'B', 'E'" : variable.equals("c") ? "'C', 'E', 'F'"
                        : variable.equals("d") ? "'D', 'F'" : "'A'";
                define.append(define.length() == 0 ? "" : ", ").append(variable).append(" AS type IN (")
                        .append(letters).append(')');
            }
        }
        return runner("RULE r FROM events PARTITION BY key PATTERN " + pattern + " AFTER MATCH SKIP " + skip
                + " DEFINE " + define + ";");
    }

    /** Plain letters (a B is b, a C is c), and {@code d} a D that also meets {@code extraD}. */
    private static Runner rule(String pattern, String extraD, String emit) {
        return runner("RULE r FROM events PARTITION BY key PATTERN " + pattern + " DEFINE a AS type = 'A', "
                + "b AS type = 'B', c AS type = 'C', d AS type = 'D'" + extraD + " " + emit + ";");
    }

    private static Runner runner(String text) {
        CompileResult compiled = RuleCompiler.compile("case.cep", text);
        assertTrue(compiled.ok(), () -> text + "\n" + compiled.diagnostics());
        return new Runner(compiled);
    }

    /**
     * One compiled rule. Each sequence is one key of one engine run (the rule is partitioned by key), its events
     * numbered from 1 and its timestamps above the previous sequence's; a match prints as {@code a1 b2 b3 d5}.
     */
    private record Runner(CompileResult compiled) {
        List<String> run(List<Character> sequence) {
            return runEach(List.of(sequence)).get(0);
        }

        List<List<String>> runEach(List<List<Character>> sequences) {
            List<List<String>> matches = new ArrayList<>();
            for (List<Alert> alerts : alertsOf(sequences)) {
                List<String> texts = new ArrayList<>();
                for (Alert alert : alerts) {
                    Map<Long, String> byPosition = new TreeMap<>();
                    for (Map.Entry<String, List<Event>> variable : alert.events().entrySet()) {
                        for (Event event : variable.getValue()) {
                            byPosition.put((Long) event.field("id"), variable.getKey() + event.field("id"));
                        }
                    }
                    texts.add(String.join(" ", byPosition.values()));
                }
                matches.add(texts);
            }
            return matches;
        }

        /** The alerts of each sequence, in emission order. */
        List<List<Alert>> alertsOf(List<List<Character>> sequences) {
            List<List<Alert>> alerts = new ArrayList<>();
            for (int i = 0; i < sequences.size(); i++) {
                alerts.add(new ArrayList<>());
            }
            EngineListener listener = new EngineListener() {
                @Override
                public void onAlert(Alert alert) {
                    alerts.get(Integer.parseInt((String) alert.key())).add(alert);
                }

                @Override
                public void onLateEvent(dev.vigil.nfa.LateEvent late) {
                    throw new AssertionError("no event is late: " + late);
                }
            };
            Engine engine = new Engine(compiled.rules(), EngineConfig.defaults().withDefaultWatermarkDelayMs(0),
                    listener);
            long ts = 0;
            long serial = 0;
            for (int k = 0; k < sequences.size(); k++) {
                List<Character> sequence = sequences.get(k);
                for (int i = 0; i < sequence.size(); i++) {
                    CaseEvent event = new CaseEvent(String.valueOf(k), String.valueOf(sequence.get(i)), 0, i + 1,
                            ++ts);
                    engine.offer(new Event(CaseGenerator.STREAM, event.ts(), serial++, event.fields()));
                }
            }
            engine.finish();
            return alerts;
        }
    }
}
